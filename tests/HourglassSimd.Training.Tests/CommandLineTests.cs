
namespace HourglassSimd.Training.Tests;

public sealed class CommandLineTests(TinyPoseDataset data) : IClassFixture<TinyPoseDataset>
{
    [Fact]
    public void Parse_ReadsEveryOption()
    {
        TrainingOptions o = TrainingOptions.Parse(
        [
            "--annotations", "a.json", "--images=imgs", "--stacks", "2", "--features", "128", "--joints", "17",
            "--epochs", "3", "--batch-size", "4", "--lr", "1e-3", "--device", "CPU", "--out", "ckpt", "--resume", "r.dat",
            "--input-size", "128", "--sigma", "1.5", "--seed", "9", "--no-augment", "--box-adjust", "none",
            "--log-every", "10", "--threads", "2", "--depth", "3", "--block", "depthwise", "--modules-per-level", "2",
        ]);
        Assert.Equal(
            new TrainingOptions
            {
                AnnotationsPath = "a.json", ImagesFolder = "imgs", Stacks = 2, Features = 128, Joints = 17, Epochs = 3,
                BatchSize = 4, LearningRate = 1e-3, Device = DeviceChoice.Cpu, OutputFolder = "ckpt", ResumePath = "r.dat",
                InputSize = 128, Sigma = 1.5f, Seed = 9, Augment = false, BoxAdjustment = BoxAdjustment.None,
                LogEvery = 10, Threads = 2, Depth = 3, Block = ResidualBlock.Depthwise, ModulesPerLevel = 2,
            },
            o);
    }

    [Fact]
    public void Defaults_AreThePapersSettings()
    {
        TrainingOptions o = TrainingOptions.Parse(["--annotations", "a.json", "--images", "i"]);
        Assert.Equal(2.5e-4, o.LearningRate);
        Assert.Equal(256, o.InputSize);
        Assert.Equal(DeviceChoice.Auto, o.Device);
        Assert.True(o.Augment);
    }

    [Theory]
    [InlineData("--stacks", "0", "option '--stacks' must be at least 1, got 0")]
    [InlineData("--lr", "fast", "option '--lr' needs a number, got 'fast'")]
    [InlineData("--device", "tpu", "option '--device' must be one of auto | cpu | cuda, got 'tpu'")]
    [InlineData("--colour", "red", "unknown option '--colour'")]
    public void Parse_BadValues_AreOneLineUsageErrors(string name, string value, string message)
    {
        var e = Assert.Throws<TrainingException>(() => TrainingOptions.Parse([name, value]));
        Assert.Equal(message, e.Message);
        Assert.True(e.IsUsageError);
    }

    [Fact]
    public void Validate_RejectsOddFeaturesAndBadInputSize()
    {
        var odd = new TrainingOptions { AnnotationsPath = data.AnnotationsPath, ImagesFolder = data.ImagesFolder, Features = 15 };
        Assert.Contains("--features must be even", Assert.Throws<TrainingException>(odd.Validate).Message, StringComparison.Ordinal);
        var size = odd with { Features = 16, InputSize = 100 };
        Assert.Contains("multiple of 64", Assert.Throws<TrainingException>(size.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PruneFrom_NeedsATargetInZeroToOne_AndExcludesResume()
    {
        Assert.Equal("option '--target-macs' must be in (0, 1], got 1.5", Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--target-macs", "1.5"])).Message);
        Assert.Equal(0.25, TrainingOptions.Parse(["--prune-from", "a.dat", "--target-macs", "0.25"]).PruneTargetMacs);
        var options = new TrainingOptions { AnnotationsPath = data.AnnotationsPath, ImagesFolder = data.ImagesFolder, Features = 16 };
        Assert.Equal("--prune-from and --target-macs go together", Assert.Throws<TrainingException>((options with { PruneTargetMacs = 0.5 }).Validate).Message);
        Assert.Equal("--prune-from starts a new run; it cannot be combined with --resume",
            Assert.Throws<TrainingException>((options with { PruneFromPath = "a.dat", PruneTargetMacs = 0.5, ResumePath = "b.dat" }).Validate).Message);
    }

    [Fact]
    public void DistillFrom_TakesAWeightInZeroToOne_AndNeedsTheTeacher()
    {
        TrainingOptions parsed = TrainingOptions.Parse(["--distill-from", "t.dat", "--distill-weight", "0.3"]);
        Assert.Equal(("t.dat", 0.3), (parsed.DistillFromPath, parsed.TeacherShare));
        Assert.Equal(TrainingOptions.DefaultDistillWeight, TrainingOptions.Parse(["--distill-from", "t.dat"]).TeacherShare);
        Assert.Equal("option '--distill-weight' must be in (0, 1], got 2", Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--distill-weight", "2"])).Message);
        Assert.Equal("option '--distill-weight' must be positive, got 0", Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--distill-weight", "0"])).Message);

        var options = new TrainingOptions { AnnotationsPath = data.AnnotationsPath, ImagesFolder = data.ImagesFolder, Features = 16 };
        TrainingOptions weightOnly = TrainingOptions.Parse(["--distill-weight", "0.5"]) with { AnnotationsPath = data.AnnotationsPath, ImagesFolder = data.ImagesFolder, Features = 16 };
        Assert.Equal("--distill-weight needs --distill-from", Assert.Throws<TrainingException>(weightOnly.Validate).Message);
        string missing = Path.Combine(data.Root, "no-such-teacher.dat");
        Assert.Equal($"teacher checkpoint '{missing}' does not exist",
            Assert.Throws<TrainingException>((options with { DistillFromPath = missing }).Validate).Message);
    }

    [Theory]
    [InlineData("5:1e-4,7:3e-5", "5:0.0001,7:3e-05")]
    [InlineData(" 2:0.5 ", "2:0.5")]
    public void LrSteps_AreParsed(string text, string roundTrip)
    {
        TrainingOptions o = TrainingOptions.Parse(["--lr", "5e-4", "--lr-steps", text]);
        Assert.Equal(roundTrip, o.LearningRateSteps!.ToString());
        Assert.Equal(5e-4, o.LearningRateAt(1));
    }

    [Fact]
    public void LrSteps_GiveTheRateOfTheLastStepAtOrBeforeTheEpoch()
    {
        TrainingOptions o = TrainingOptions.Parse(["--lr", "5e-4", "--lr-steps", "5:1e-4,7:3e-5"]);
        Assert.Equal([5e-4, 5e-4, 5e-4, 5e-4, 1e-4, 1e-4, 3e-5, 3e-5], Enumerable.Range(1, 8).Select(o.LearningRateAt));
        Assert.Equal(2.5e-4, TrainingOptions.Parse([]).LearningRateAt(9));
    }

    [Theory]
    [InlineData("5", "option '--lr-steps': '5' is not EPOCH:RATE (e.g. 5:1e-4)")]
    [InlineData("1:1e-4", "option '--lr-steps': epoch 1 must be 2 or more (epoch 1 trains at --lr)")]
    [InlineData("5:1e-4,5:1e-5", "option '--lr-steps': epoch 5 does not come after epoch 5")]
    [InlineData("7:1e-4,5:1e-5", "option '--lr-steps': epoch 5 does not come after epoch 7")]
    [InlineData("5:0", "option '--lr-steps': rate 0 of epoch 5 must be a positive number")]
    [InlineData("5:-1e-4", "option '--lr-steps': rate -1e-4 of epoch 5 must be a positive number")]
    [InlineData("5:1e-4,", "option '--lr-steps': '' is not EPOCH:RATE (e.g. 5:1e-4)")]
    public void LrSteps_BadValues_AreOneLineUsageErrors(string text, string message)
    {
        var e = Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--lr-steps", text]));
        Assert.Equal(message, e.Message);
        Assert.True(e.IsUsageError);
    }

    [Fact]
    public void Refinement_IsParsedCaseInsensitively_AndDefaultsToTheQuarterOffset()
    {
        Assert.Equal(HourglassSimd.Pose.PeakRefinement.QuarterOffset, TrainingOptions.Parse(["--evaluate", "a.dat"]).Refinement);
        Assert.Equal(HourglassSimd.Pose.PeakRefinement.Taylor, TrainingOptions.Parse(["--evaluate", "a.dat", "--refinement", "taylor"]).Refinement);
        Assert.Equal("option '--refinement' must be one of quarteroffset | princetonvl | none | taylor, got 'dark'",
            Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--refinement", "dark"])).Message);
        // Enum.TryParse would OR a comma list into one value (here PrincetonVl) and take numbers.
        Assert.Contains("got 'quarteroffset,princetonvl'",
            Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--refinement", "quarteroffset,princetonvl"])).Message, StringComparison.Ordinal);
        Assert.Contains("got '1'", Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--refinement", "1"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsAnUnknownBlock() =>
        Assert.Equal("option '--block' must be bottleneck or depthwise, got 'Depthwise'",
            Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--block", "Depthwise"])).Message);

    [Fact]
    public void Validate_RejectsADepthOutOfRange_AndSizesTheDepthCannotPool()
    {
        Assert.Equal("option '--depth' must be at least 1, got 0", Assert.Throws<TrainingException>(() => TrainingOptions.Parse(["--depth", "0"])).Message);
        var options = new TrainingOptions { AnnotationsPath = data.AnnotationsPath, ImagesFolder = data.ImagesFolder, Features = 16 };
        Assert.Equal("--depth must be from 1 to 5, got 6", Assert.Throws<TrainingException>((options with { Depth = 6 }).Validate).Message);
        Assert.Equal("--modules-per-level must be from 1 to 4, got 5", Assert.Throws<TrainingException>((options with { ModulesPerLevel = 5 }).Validate).Message);
        Assert.Equal("--input-size must be a multiple of 128 at --depth 5, got 192",
            Assert.Throws<TrainingException>((options with { Depth = 5, InputSize = 192 }).Validate).Message);
        (options with { Depth = 5, InputSize = 256 }).Validate();
        (options with { Depth = 2, InputSize = 64 }).Validate();
    }

    [Fact]
    public void BadAnnotationRecord_NamesTheRecordAndField()
    {
        string path = data.WriteFile("bad.json", """[{"img_paths": "person0.png", "objpos": [1, 2], "scale_provided": 1, "joint_self": [[1, 2, 1]]}]""");
        var e = Assert.Throws<TrainingException>(() => TrainingAnnotations.Load(path, 16, BoxAdjustment.Mpii));
        Assert.Equal($"'{path}' record 0: 'joint_self' has 1 joints but --joints is 16", e.Message);
    }

    [Fact]
    public void Cli_MissingAnnotationFile_PrintsOneLineErrorAndExitCode2()
    {
        (int code, string stdout, string stderr) = RunCli("--annotations", Path.Combine(data.Root, "nope.json"), "--images", data.ImagesFolder);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"error: annotation file '{Path.Combine(data.Root, "nope.json")}' does not exist", lines[0]);
        Assert.Equal("run with --help for the options", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public void Cli_MissingImage_IsOneLineDataError()
    {
        string path = data.WriteFile("missing-image.json", File.ReadAllText(data.AnnotationsPath).Replace("person3.png", "gone.png", StringComparison.Ordinal));
        (int code, _, string stderr) = RunCli("--annotations", path, "--images", data.ImagesFolder, "--device", "cpu");
        Assert.Equal(1, code);
        Assert.Equal($"error: 1 annotated image(s) are missing from '{data.ImagesFolder}' (first: '{Path.Combine(data.ImagesFolder, "gone.png")}')", stderr.Trim());
    }

    [Fact]
    public void Cli_Help_ListsTheOptions()
    {
        (int code, string stdout, _) = RunCli("--help");
        Assert.Equal(0, code);
        foreach (string option in new[] { "--annotations", "--images", "--stacks", "--features", "--joints", "--epochs", "--batch-size", "--lr", "--device", "--out", "--resume", "--input-size" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs the real console entry point (hourglass-train) in a child process.</summary>
    private static (int Code, string Stdout, string Stderr) RunCli(params string[] args)
    {
        var run = TrainerProcess.Run(null, args);
        return (run.ExitCode, run.Output, run.Error);
    }
}
