using System.Globalization;
using System.Text;
using HourglassSimd.Pose;

namespace HourglassSimd.Training;

/// <summary>Command-line options of the trainer (docs/training.md).</summary>
public sealed record TrainingOptions
{
    public string AnnotationsPath { get; init; } = "";

    public string ImagesFolder { get; init; } = "";

    public int Stacks { get; init; } = 8;

    public int Features { get; init; } = 256;

    public int Joints { get; init; } = JointLayout.Mpii16.Count;

    /// <summary>Max-pool levels in each hourglass, 1 to 5 (default 4, the paper's).</summary>
    public int Depth { get; init; } = PoseNetArchitecture.DefaultDepth;

    /// <summary>Residual modules in each hourglass box, 1 to 4 (default 1, the paper's).</summary>
    public int ModulesPerLevel { get; init; } = 1;

    /// <summary>Residual block type (default the paper's bottleneck).</summary>
    public ResidualBlock Block { get; init; } = ResidualBlock.Bottleneck;

    /// <summary>Total epochs; a resumed run continues up to this number.</summary>
    public int Epochs { get; init; } = 100;

    public int BatchSize { get; init; } = 16;

    /// <summary>The learning rate of epoch 1 on, until the first of <see cref="LearningRateSteps"/>.</summary>
    public double LearningRate { get; init; } = 2.5e-4;

    /// <summary>Later rates by epoch (<c>--lr-steps</c>); null: <see cref="LearningRate"/> throughout.</summary>
    public LearningRateSteps? LearningRateSteps { get; init; }

    /// <summary>The learning rate of <paramref name="epoch"/> (counted over the whole run, resumed runs included).</summary>
    public double LearningRateAt(int epoch) => LearningRateSteps?.RateAt(epoch, LearningRate) ?? LearningRate;

    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    public string OutputFolder { get; init; } = "checkpoints";

    public string? ResumePath { get; init; }

    public int InputSize { get; init; } = 256;

    /// <summary>Gaussian σ in output pixels; null = <see cref="HeatmapTarget.DefaultSigma"/> (1 at 64 × 64).</summary>
    public float? Sigma { get; init; }

    public int Seed { get; init; } = 1;

    public bool Augment { get; init; } = true;

    public BoxAdjustment BoxAdjustment { get; init; } = BoxAdjustment.Mpii;

    /// <summary>Print a line every this many steps; 0 = only the per-epoch line.</summary>
    public int LogEvery { get; init; }

    /// <summary>libtorch intra-op threads; 0 = libtorch's default.</summary>
    public int Threads { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>Run <see cref="OneDnnSelfCheck"/> instead of training (no annotations needed).</summary>
    public bool SelfCheck { get; init; }

    /// <summary>Start from this checkpoint pruned to <see cref="PruneTargetMacs"/> of its MACs (network slimming), then fine-tune.</summary>
    public string? PruneFromPath { get; init; }

    /// <summary>With <see cref="PruneFromPath"/>: the share of MACs per image the pruned network keeps, in (0, 1].</summary>
    public double? PruneTargetMacs { get; init; }

    /// <summary>Distil from this trained checkpoint (<see cref="HeatmapDistillation"/>): the targets blend in its heatmaps.</summary>
    public string? DistillFromPath { get; init; }

    /// <summary>With <see cref="DistillFromPath"/>: the teacher's share of the target, in (0, 1]; null when
    /// <c>--distill-weight</c> was not given (<see cref="TeacherShare"/> then takes the default).</summary>
    public double? DistillWeight { get; init; }

    /// <summary>The teacher's share of the target that a distilling run uses.</summary>
    public double TeacherShare => DistillWeight ?? DefaultDistillWeight;

    /// <summary>The teacher's share of the target unless <c>--distill-weight</c> says otherwise.</summary>
    public const double DefaultDistillWeight = 0.5;

    /// <summary>Evaluate this checkpoint (PCKh through TorchSharp, <see cref="CheckpointEvaluation"/>) instead of training.</summary>
    public string? EvaluatePath { get; init; }

    /// <summary>With <see cref="EvaluatePath"/>: no flip test.</summary>
    public bool NoFlip { get; init; }

    /// <summary>With <see cref="EvaluatePath"/>: the sub-pixel rule of the decoder (<see cref="PoseEstimatorOptions.Refinement"/>).</summary>
    public PeakRefinement Refinement { get; init; } = PeakRefinement.QuarterOffset;

    /// <summary>Draw the loss curve of this training log (<see cref="LossPlotCommand"/>) instead of training.</summary>
    public string? PlotLogPath { get; init; }

    /// <summary>With <see cref="PlotLogPath"/>: the PNG to write (required).</summary>
    public string? PlotOutPath { get; init; }

    /// <summary>With <see cref="PlotLogPath"/>: also write the losses as CSV (<see cref="LossCsv"/>) here.</summary>
    public string? PlotCsvPath { get; init; }

    public PoseNetArchitecture Architecture => new(Stacks, Features, Joints) { Depth = Depth, Block = Block, ModulesPerLevel = ModulesPerLevel };

    public const string Usage = """
        Usage: HourglassSimd.Training --annotations FILE --images DIR [options]
               HourglassSimd.Training --self-check [--threads N]
               HourglassSimd.Training --evaluate CHECKPOINT --annotations FILE --images DIR [--no-flip] [--refinement R]
               HourglassSimd.Training --plot-log LOG --plot-out PNG [--plot-csv CSV]

        Trains the stacked hourglass PoseNet with TorchSharp and writes a checkpoint after each epoch, and the loss
        curve so far (loss.csv, loss.png) next to it.

          --annotations FILE   MPII-style JSON array (img_paths, joint_self, objpos, scale_provided, isValidation)
          --images DIR         folder the img_paths are relative to
          --stacks N           hourglass stacks (default 8)
          --features N         feature channels, even (default 256)
          --joints N           joints per person (default 16, MPII)
          --depth N            max-pool levels in each hourglass, 1 to 5 (default 4, the paper's)
          --block TYPE         residual block: bottleneck (default, the paper's) or depthwise (3x3 depthwise)
          --modules-per-level N  residual modules in each hourglass box, 1 to 4 (default 1, the paper's)
          --epochs N           total epochs, including those of a resumed run (default 100)
          --batch-size N       images per step (default 16)
          --lr X               RMSprop learning rate (default 2.5e-4)
          --lr-steps E:X,...   step schedule: from epoch E on the rate is X, e.g. 5:1e-4,7:3e-5 (epochs count over
                               the whole run, so a resumed run follows it too; default: --lr throughout)
          --device D           auto | cpu | cuda (default auto: cuda when available)
          --out DIR            checkpoint folder (default ./checkpoints)
          --resume FILE        continue from a checkpoint written by this trainer (at another --input-size or
                               --sigma it fine-tunes the network there)
          --prune-from FILE    start from this checkpoint with whole channels removed (the smallest batch-norm |gamma|
                               of the residual modules, over the whole network) until it keeps --target-macs of its
                               MACs, then train (fine-tune) it as a new run; the architecture comes from the checkpoint
          --target-macs R      with --prune-from: share of the MACs per image to keep, in (0, 1], e.g. 0.5
          --distill-from FILE  knowledge distillation: a trained checkpoint of this trainer (same joints and input
                               size) runs frozen on every batch, and the targets become (1 - w) x ground truth +
                               w x its last-stack heatmaps; for a pruned or smaller network learning from its parent
          --distill-weight W   with --distill-from: the teacher's share w of the targets, in (0, 1] (default 0.5);
                               the validation loss stays against the ground truth alone
          --input-size N       input side in pixels, a multiple of 64 (default 256; heatmaps are N/4)
          --sigma X            Gaussian sigma in heatmap pixels (default N/256, i.e. 1 at 64x64)
          --seed N             seed for weights, shuffling and augmentation (default 1)
          --no-augment         no rotation/scale/flip augmentation
          --box-adjust M       mpii (default: cy += 15s, s *= 1.25 as for raw MPII) | none
          --log-every N        also print the mean loss of every N steps (default 0: per epoch only)
          --threads N          libtorch CPU threads (default 0: libtorch's choice)
          --evaluate FILE      no training: PCKh@0.5 of this checkpoint on the validation records of --annotations,
                               through TorchSharp's forward pass with the engine's crops, flip test and decoder
                               (compare with `hourglass eval` on the converted model); --no-flip turns the flip test off,
                               --refinement sets the decoder's sub-pixel rule as `hourglass eval --refinement` does:
                               quarteroffset (default) | taylor | princetonvl | none
          --plot-log LOG       no training: draw the loss curve of a training log (this program's output; logs of
                               resumed runs may be concatenated) into --plot-out PNG, and with --plot-csv also
                               write its losses as CSV
          --self-check         compare every float32 CPU operation of a tiny PoseNet, forward and backward, with
                               float64 and print a table; exit code 1 if one is off (docs/training.md)
          --help               this text

        Environment: the trainer turns off libtorch's oneDNN convolutions, which read channel padding they never
        wrote and can turn NaN at random; HOURGLASS_LIBTORCH_ONEDNN=on keeps them. With them on,
        HOURGLASS_ONEDNN_ISA=native lifts the AVX2 cap this trainer puts on oneDNN on AVX-512 CPUs; another value
        (e.g. AVX512_CORE) sets that cap. A user's own ONEDNN_MAX_CPU_ISA or DNNL_MAX_CPU_ISA wins. On Linux the
        trainer makes glibc's malloc keep the memory libtorch frees, so that a step does not fault in again the pages
        the last one gave back (docs/training.md); HOURGLASS_MALLOC=glibc keeps glibc's defaults, and so does a user's
        own glibc.malloc setting in GLIBC_TUNABLES or MALLOC_*_ variable.
        """;

    /// <summary>Parses <c>--name value</c> and <c>--name=value</c>; throws a usage <see cref="TrainingException"/> on bad input.</summary>
    public static TrainingOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new TrainingOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw UsageError($"unexpected argument '{arg}'");
            }

            string name = arg;
            string? inlineValue = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }

            if (!seen.Add(name))
            {
                throw UsageError($"option '{name}' given twice");
            }

            if (name is "--help" or "-h" or "--no-augment" or "--self-check" or "--no-flip")
            {
                if (inlineValue is not null)
                {
                    throw UsageError($"option '{name}' takes no value");
                }

                options = name switch
                {
                    "--no-augment" => options with { Augment = false },
                    "--self-check" => options with { SelfCheck = true },
                    "--no-flip" => options with { NoFlip = true },
                    _ => options with { ShowHelp = true },
                };
                continue;
            }

            string value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw UsageError($"option '{name}' needs a value"));
            options = name switch
            {
                "--annotations" => options with { AnnotationsPath = NonEmpty(name, value) },
                "--images" => options with { ImagesFolder = NonEmpty(name, value) },
                "--stacks" => options with { Stacks = Int(name, value, min: 1) },
                "--features" => options with { Features = Int(name, value, min: 2) },
                "--depth" => options with { Depth = Int(name, value, min: 1) },
                "--block" => options with { Block = BlockType(name, value) },
                "--modules-per-level" => options with { ModulesPerLevel = Int(name, value, min: 1) },
                "--joints" => options with { Joints = Int(name, value, min: 1) },
                "--epochs" => options with { Epochs = Int(name, value, min: 1) },
                "--batch-size" => options with { BatchSize = Int(name, value, min: 1) },
                "--lr" => options with { LearningRate = Positive(name, value) },
                "--lr-steps" => options with { LearningRateSteps = Steps(name, value) },
                "--device" => options with { Device = Choice<DeviceChoice>(name, value) },
                "--out" => options with { OutputFolder = NonEmpty(name, value) },
                "--resume" => options with { ResumePath = NonEmpty(name, value) },
                "--prune-from" => options with { PruneFromPath = NonEmpty(name, value) },
                "--target-macs" => options with { PruneTargetMacs = Share(name, value) },
                "--distill-from" => options with { DistillFromPath = NonEmpty(name, value) },
                "--distill-weight" => options with { DistillWeight = Share(name, value) },
                "--evaluate" => options with { EvaluatePath = NonEmpty(name, value) },
                "--refinement" => options with { Refinement = Choice<PeakRefinement>(name, value) },
                "--plot-log" => options with { PlotLogPath = NonEmpty(name, value) },
                "--plot-out" => options with { PlotOutPath = NonEmpty(name, value) },
                "--plot-csv" => options with { PlotCsvPath = NonEmpty(name, value) },
                "--input-size" => options with { InputSize = Int(name, value, min: PoseNetArchitecture.InputSizeMultiple) },
                "--sigma" => options with { Sigma = (float)Positive(name, value) },
                "--seed" => options with { Seed = Int(name, value, min: 0) },
                "--box-adjust" => options with { BoxAdjustment = Choice<BoxAdjustment>(name, value) },
                "--log-every" => options with { LogEvery = Int(name, value, min: 0) },
                "--threads" => options with { Threads = Int(name, value, min: 0) },
                _ => throw UsageError($"unknown option '{name}'"),
            };
        }

        CheckPlotOptions(options);
        return options;
    }

    private static void CheckPlotOptions(TrainingOptions options)
    {
        if (options.PlotLogPath is null)
        {
            if (options.PlotOutPath is not null || options.PlotCsvPath is not null)
            {
                throw UsageError($"{(options.PlotOutPath is not null ? "--plot-out" : "--plot-csv")} needs --plot-log");
            }

            return;
        }

        if (options.SelfCheck || options.EvaluatePath is not null)
        {
            throw UsageError($"--plot-log cannot be combined with {(options.SelfCheck ? "--self-check" : "--evaluate")}");
        }

        if (options.PlotOutPath is null)
        {
            throw UsageError("--plot-log needs --plot-out PNG");
        }

        if (!options.PlotOutPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw UsageError($"--plot-out must name a .png file, got '{options.PlotOutPath}'");
        }
    }

    /// <summary>Checks values that depend on each other and the files; throws a one-line <see cref="TrainingException"/>.</summary>
    public void Validate()
    {
        if (AnnotationsPath.Length == 0)
        {
            throw UsageError("--annotations is required");
        }

        if (ImagesFolder.Length == 0)
        {
            throw UsageError("--images is required");
        }

        if (Features % 2 != 0)
        {
            throw UsageError($"--features must be even (the residual bottleneck is features/2), got {Features}");
        }

        if (Depth > HourglassArchitecture.MaxDepth)
        {
            throw UsageError($"--depth must be from 1 to {HourglassArchitecture.MaxDepth}, got {Depth}");
        }

        if (ModulesPerLevel > HourglassArchitecture.MaxModulesPerLevel)
        {
            throw UsageError($"--modules-per-level must be from 1 to {HourglassArchitecture.MaxModulesPerLevel}, got {ModulesPerLevel}");
        }

        if (InputSize % Architecture.SideMultiple != 0)
        {
            throw UsageError($"--input-size must be a multiple of {Architecture.SideMultiple}{(Depth == PoseNetArchitecture.DefaultDepth ? "" : $" at --depth {Depth}")}, got {InputSize}");
        }

        if (!File.Exists(AnnotationsPath))
        {
            throw UsageError($"annotation file '{AnnotationsPath}' does not exist");
        }

        if (!Directory.Exists(ImagesFolder))
        {
            throw UsageError($"image folder '{ImagesFolder}' does not exist");
        }

        if ((PruneFromPath is null) != (PruneTargetMacs is null))
        {
            throw UsageError("--prune-from and --target-macs go together");
        }

        if (PruneFromPath is not null && ResumePath is not null)
        {
            throw UsageError("--prune-from starts a new run; it cannot be combined with --resume");
        }

        if (DistillWeight is not null && DistillFromPath is null)
        {
            throw UsageError("--distill-weight needs --distill-from");
        }

        if (DistillFromPath is not null && !File.Exists(DistillFromPath))
        {
            throw UsageError($"teacher checkpoint '{DistillFromPath}' does not exist");
        }

        if (EvaluatePath is not null && !File.Exists(EvaluatePath))
        {
            throw UsageError($"checkpoint '{EvaluatePath}' does not exist");
        }

        if (ResumePath is not null && !File.Exists(ResumePath))
        {
            throw UsageError($"checkpoint '{ResumePath}' does not exist");
        }

        if (PruneFromPath is not null && !File.Exists(PruneFromPath))
        {
            throw UsageError($"checkpoint '{PruneFromPath}' does not exist");
        }

        if (File.Exists(OutputFolder))
        {
            throw UsageError($"--out '{OutputFolder}' is a file, not a folder");
        }
    }

    private static TrainingException UsageError(string message) => new(message, isUsageError: true);

    private static string NonEmpty(string name, string value) =>
        value.Length > 0 ? value : throw UsageError($"option '{name}' needs a non-empty value");

    private static ResidualBlock BlockType(string name, string value) =>
        ResidualBlockNames.TryParse(value, out var block) ? block : throw UsageError($"option '{name}' must be {ResidualBlockNames.Accepted}, got '{value}'");

    private static int Int(string name, string value, int min)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result))
        {
            throw UsageError($"option '{name}' needs an integer, got '{value}'");
        }

        return result >= min ? result : throw UsageError($"option '{name}' must be at least {min}, got {result}");
    }

    private static double Share(string name, string value)
    {
        double share = Positive(name, value);
        return share <= 1 ? share : throw UsageError($"option '{name}' must be in (0, 1], got {value}");
    }

    private static LearningRateSteps Steps(string name, string value) =>
        LearningRateSteps.TryParse(value, out string? problem) ?? throw UsageError($"option '{name}': {problem}");

    private static double Positive(string name, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result) || !double.IsFinite(result))
        {
            throw UsageError($"option '{name}' needs a number, got '{value}'");
        }

        return result > 0 ? result : throw UsageError($"option '{name}' must be positive, got {value}");
    }

    private static T Choice<T>(string name, string value)
        where T : struct, Enum
    {
        if (EnumNames.TryParse(value, out T result))
        {
            return result;
        }

        var names = new StringBuilder();
        foreach (string n in Enum.GetNames<T>())
        {
            names.Append(names.Length == 0 ? "" : " | ").Append(n.ToLowerInvariant());
        }

        throw UsageError($"option '{name}' must be one of {names}, got '{value}'");
    }
}
