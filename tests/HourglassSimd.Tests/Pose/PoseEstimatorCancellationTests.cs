using System.Collections;
using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

/// <summary>
/// A cancelled token stops <see cref="PoseEstimator"/> between chunks of people with
/// <see cref="OperationCanceledException"/>: the chunk in progress ends, no later chunk starts, and the estimator
/// stays usable.
/// </summary>
public sealed class PoseEstimatorCancellationTests : IDisposable
{
    private const int MaxBatchSize = 4;
    private readonly HourglassNetwork _net = HourglassNetwork.CreateRandom(
        new HourglassArchitecture(1, 16, 16, 64, 64), seed: 5, new HourglassOptions { MaxDegreeOfParallelism = 1 });
    private readonly RgbImage _image = PoseTestImages.Random(160, 120, seed: 8);

    public void Dispose() => _net.Dispose();

    private static PersonBox[] People(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PersonBox(20 + 13 * i % 120, 30 + 7 * i % 60, 0.3f + 0.02f * i))];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cancelling_during_a_chunk_stops_before_the_next_one(bool flip)
    {
        var options = new PoseEstimatorOptions { FlipTest = flip, MaxBatchSize = MaxBatchSize };
        var estimator = new PoseEstimator(_net, options);
        int perChunk = MaxBatchSize / estimator.CropsPerPerson;
        using var source = new CancellationTokenSource();
        var boxes = new CancellingBoxes(People(10), source);

        var stopped = Assert.Throws<OperationCanceledException>(() => estimator.Estimate(_image, boxes, source.Token));

        Assert.Equal(source.Token, stopped.CancellationToken);
        // Cancelled while the first chunk read its boxes; nothing after that touched a box of a later chunk.
        Assert.True(source.IsCancellationRequested, "the estimator never read a box for its first chunk");
        Assert.NotEmpty(boxes.ReadAfterCancelling);
        Assert.All(boxes.ReadAfterCancelling, index => Assert.InRange(index, 0, perChunk - 1));

        // Usable afterwards: the same poses as a fresh estimator.
        var again = estimator.Estimate(_image, People(10));
        var fresh = new PoseEstimator(_net, options).Estimate(_image, People(10));
        Assert.Equal(fresh.Select(p => p.Keypoints.ToArray()), again.Select(p => p.Keypoints.ToArray()));
    }

    [Fact]
    public void A_token_cancelled_beforehand_stops_every_overload()
    {
        var estimator = new PoseEstimator(_net, new PoseEstimatorOptions { MaxBatchSize = MaxBatchSize });
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() => estimator.Estimate(_image, People(3), source.Token));
        Assert.Throws<OperationCanceledException>(() => estimator.Estimate(_image, box: null, source.Token));
        Assert.Throws<OperationCanceledException>(() =>
            estimator.Estimate(_image.Pixels, _image.Width, _image.Height, _image.Stride, People(1), source.Token));
        // The default token never cancels.
        Assert.Equal(3, estimator.Estimate(_image, People(3)).Count);
    }

    /// <summary>
    /// Boxes that cancel <paramref name="source"/> at the first read after every box has been read once (the estimator
    /// validates them all before the first chunk), then record which boxes are still read.
    /// </summary>
    private sealed class CancellingBoxes(PersonBox[] boxes, CancellationTokenSource source) : IReadOnlyList<PersonBox>
    {
        private readonly HashSet<int> _read = [];

        public List<int> ReadAfterCancelling { get; } = [];

        public int Count => boxes.Length;

        public PersonBox this[int index]
        {
            get
            {
                if (source.IsCancellationRequested)
                    ReadAfterCancelling.Add(index);
                else if (_read.Count == boxes.Length)
                {
                    source.Cancel();
                    ReadAfterCancelling.Add(index);
                }
                _read.Add(index);
                return boxes[index];
            }
        }

        public IEnumerator<PersonBox> GetEnumerator()
        {
            for (int i = 0; i < Count; i++)
                yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
