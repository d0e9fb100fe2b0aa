using HourglassSimd.Pose;

namespace HourglassSimd.Datasets.Tests;

public sealed class PckhEvaluatorTests
{
    // Two hand-made people. Truth joint j sits at (100 + 10j, 200); the prediction is moved right by the listed
    // pixels (NaN = no prediction, null = joint not annotated). Head sizes 10 and 20.
    private static readonly float?[] PersonA = [0, 4, 5, 6, 3, 8, 1, 20, 2, 4.9f, float.NaN, 0.5f, 3, 7, null, 1];
    private static readonly float?[] PersonB = [12, 2, 2, 2, 15, 9, null, 0, 30, 5, 5, 11, 1, 1, 1, 50];

    [Fact]
    public void Matches_hand_computed_values_at_one_half()
    {
        var result = Build().Evaluate();
        // Per joint (correct / annotated): j2 = 5/10 is not < 0.5; j14 counts only B (A unannotated); j6 only A.
        Assert.Equal([50, 100, 50, 50, 50, 50, 100, 50, 50, 100, 50, 50, 100, 50, 100, 50], result.PerJoint);
        Assert.Equal([2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2, 1, 2], result.Counts);
        Assert.Equal(100, result.Head);
        Assert.Equal(75, result.Shoulder);
        Assert.Equal(75, result.Elbow);
        Assert.Equal(50, result.Wrist);
        Assert.Equal(50, result.Hip);
        Assert.Equal(75, result.Knee);
        Assert.Equal(50, result.Ankle);
        // 14 joints without pelvis and thorax: 17 correct of 27 (weighted), per-joint mean 900 / 14 (unweighted).
        Assert.Equal(100.0 * 17 / 27, result.Mean, 10);
        Assert.Equal(900.0 / 14, result.UnweightedMean, 10);
        // All 16 joints: 19 of 30.
        Assert.Equal(100.0 * 19 / 30, result.Total, 10);
        Assert.Equal("Mean", result.Groups[^1].Key);
    }

    [Fact]
    public void Curve_runs_from_zero_to_one_half_and_never_decreases()
    {
        var evaluator = Build();
        var curve = evaluator.EvaluateCurve();
        Assert.Equal(11, curve.Count);
        Assert.Equal(0f, curve[0].Threshold);
        Assert.Equal(0, curve[0].Total);  // nothing is strictly closer than 0 head sizes
        for (int i = 1; i < curve.Count; i++)
            Assert.True(curve[i].Total >= curve[i - 1].Total);
        Assert.Equal(evaluator.Evaluate(0.5f).Total, curve[^1].Total);
        // At 0.25: A has j0, j6, j8, j11, j15; B has j1, j2, j3, j7, j12, j13, j14 (j9 and j10 sit exactly at 0.25).
        Assert.Equal(100.0 * 12 / 30, evaluator.Evaluate(0.25f).Total, 10);
    }

    [Fact]
    public void People_without_head_size_are_skipped_and_counted()
    {
        var evaluator = new PckhEvaluator();
        var truth = Truth(PersonA);
        var pose = new PoseResult(Predict(PersonA), new PersonBox(0, 0, 1), JointLayout.Mpii16);
        var annotation = new MpiiAnnotation
        {
            Index = 0, ImagePath = "a.jpg", Joints = truth, ObjectPositionX = 0, ObjectPositionY = 0, ScaleProvided = 1,
            Box = new PersonBox(0, 0, 1), HeadSize = null,
        };
        Assert.False(evaluator.Add(pose, annotation));
        Assert.True(evaluator.Add(pose, annotation with { HeadSize = 10 }));
        Assert.Equal(1, evaluator.PeopleWithoutHeadSize);
        Assert.Equal(1, evaluator.PeopleEvaluated);
        Assert.Equal(100.0 * 9 / 15, evaluator.Evaluate().Total, 10);  // A alone: 9 of its 15 annotated joints
    }

    [Fact]
    public void Head_size_is_six_tenths_of_the_head_box_diagonal()
    {
        Assert.Equal(30f, PckhEvaluator.HeadSizeFromBox(10, 10, 40, 50), 5);
    }

    [Fact]
    public void Other_joint_counts_report_per_joint_and_total_only()
    {
        var evaluator = new PckhEvaluator(2);
        evaluator.Add([new Keypoint(0, 0, 1, "a"), new Keypoint(10, 0, 1, "b")], [new AnnotatedJoint(1, 0, true), new AnnotatedJoint(0, 0, true)], 4);
        var result = evaluator.Evaluate();
        Assert.Equal([100.0, 0.0], result.PerJoint);
        Assert.Equal(50, result.Total);
        Assert.Equal(50, result.Mean);
        Assert.True(double.IsNaN(result.Head));
    }

    [Fact]
    public void Mismatched_counts_and_bad_head_sizes_are_rejected()
    {
        var evaluator = new PckhEvaluator();
        Assert.Throws<ArgumentException>(() => evaluator.Add(Predict(PersonA)[..15], Truth(PersonA), 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.Add(Predict(PersonA), Truth(PersonA), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.Evaluate(-0.1f));
    }

    private static PckhEvaluator Build()
    {
        var evaluator = new PckhEvaluator();
        evaluator.Add(Predict(PersonA), Truth(PersonA), 10);
        evaluator.Add(Predict(PersonB), Truth(PersonB), 20);
        return evaluator;
    }

    private static Keypoint[] Predict(float?[] offsets) =>
        [.. offsets.Select((d, j) => new Keypoint(100 + 10 * j + (d ?? 0), 200, 1, JointLayout.Mpii16.Names[j]))];

    private static AnnotatedJoint[] Truth(float?[] offsets) =>
        [.. offsets.Select((d, j) => d is null ? AnnotatedJoint.Missing : new AnnotatedJoint(100 + 10 * j, 200, IsVisible: j != 14))];
}
