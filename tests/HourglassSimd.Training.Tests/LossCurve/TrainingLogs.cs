using HourglassSimd.TestSupport;

namespace HourglassSimd.Training.Tests;

/// <summary>Training logs for the loss-curve tests: the shipped one, and small ones written like the trainer writes them.</summary>
internal static class TrainingLogs
{
    /// <summary>The log of the shipped demo model: 5 epochs of 1250 steps (the fifth by a resumed run), a block line every 50 steps.</summary>
    public static string Shipped => Path.Combine(RepositoryPaths.Root, "models", "training", "train.log");

    public const string Header =
        "PoseNet stacks 1 features 16 joints 16 input 64 on cpu: 12 training / 2 validation people, 6 steps of 2 per epoch, augmentation off; oneDNN ISA cap AVX2 (test)";

    /// <summary>Run 1 reaches epoch 2, starts epoch 3 and dies; run 2 resumes from the epoch-2 checkpoint and goes to 4.</summary>
    public const string Resumed = $"""
        {Header}
          epoch 1 step 2/6  loss 0.500000
          epoch 1 step 4/6  loss 0.300000
          epoch 1 step 6/6  loss 0.200000
        epoch 1/4  loss 0.333333  val-loss 0.250000  12 images  10.0 images/s  1.2 s  -> ckpt/posenet-epoch-001.dat
          epoch 2 step 2/6  loss 0.180000
          epoch 2 step 4/6  loss 0.160000
          epoch 2 step 6/6  loss 0.150000
        epoch 2/4  loss 0.163333  val-loss 0.170000  12 images  10.0 images/s  1.2 s  -> ckpt/posenet-epoch-002.dat
          epoch 3 step 2/6  loss 0.990000
        error: the run was stopped
        resumed from ckpt/posenet-epoch-002.dat (epoch 2, optimizer state restored)
        {Header}
          epoch 3 step 2/6  loss 0.140000
          epoch 3 step 4/6  loss 0.130000
          epoch 3 step 6/6  loss 0.120000
        epoch 3/4  loss 0.130000  val-loss 0.140000  12 images  10.0 images/s  1.2 s  -> ckpt/posenet-epoch-003.dat
          epoch 4 step 2/6  loss 0.110000
          epoch 4 step 4/6  loss 0.100000
          epoch 4 step 6/6  loss 0.090000
        epoch 4/4  loss 0.100000  val-loss 0.120000  12 images  10.0 images/s  1.2 s  -> ckpt/posenet-epoch-004.dat

        """;

    /// <summary>A file with <paramref name="text"/> in a new temporary folder.</summary>
    public static string Write(string text, string name = "train.log")
    {
        string folder = Path.Combine(Path.GetTempPath(), "hg-loss-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
