using System.Diagnostics;
using System.Globalization;
using HourglassSimd.Datasets;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>Trains a <see cref="PoseNet"/> as in the paper: Gaussian targets, MSE on every stack, RMSprop, augmentation.</summary>
public sealed class Trainer : IDisposable
{
    /// <summary>The run's losses as CSV (<see cref="LossCsv"/>), rewritten in the output folder after each epoch.</summary>
    public const string LossCsvFileName = "loss.csv";

    /// <summary>The run's loss curve (<see cref="LossPlot"/>), redrawn in the output folder after each epoch.</summary>
    public const string LossPlotFileName = "loss.png";

    private readonly TrainingOptions options;
    private readonly TextWriter log;
    private readonly Device device;
    private readonly RMSProp optimizer;
    private readonly SampleBuilder builder;
    private readonly IReadOnlyList<MpiiAnnotation> trainSet;
    private readonly IReadOnlyList<MpiiAnnotation> validationSet;
    private readonly Random random;
    private readonly int firstEpoch;
    private readonly HeatmapDistillation? distillation;

    /// <summary>Validates the options, reads the annotations, builds the network and, with --resume, restores it.</summary>
    public Trainer(TrainingOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        OneDnnIsaCap.Current.ThrowIfInvalid();
        if (MinimumBatch(options.InputSize, options.Depth) > options.BatchSize)
        {
            // At a 64 input the hourglass bottom is 1x1, and BatchNorm cannot train on a single value per channel.
            throw new TrainingException(
                $"--batch-size must be at least {MinimumBatch(options.InputSize, options.Depth)} at --input-size {options.InputSize}", isUsageError: true);
        }

        this.options = options;
        this.log = log;

        IReadOnlyList<MpiiAnnotation> all = TrainingAnnotations.Load(options.AnnotationsPath, options.Joints, options.BoxAdjustment);
        trainSet = all.Where(a => !a.IsValidation).ToArray();
        validationSet = all.Where(a => a.IsValidation).ToArray();
        if (trainSet.Count < MinimumBatch(options.InputSize, options.Depth))
        {
            throw new TrainingException($"'{options.AnnotationsPath}' has {trainSet.Count} training records (isValidation false); need at least {MinimumBatch(options.InputSize, options.Depth)}");
        }

        float sigma = options.Sigma ?? HeatmapTarget.DefaultSigma(PoseNetArchitecture.OutputSize(options.InputSize));
        builder = new SampleBuilder(options.ImagesFolder, options.InputSize, options.Joints, sigma);
        CheckImagesExist(all);

        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        random = new Random(options.Seed);
        manual_seed(options.Seed);
        device = DeviceSelection.Resolve(options.Device);
        if (options.PruneFromPath is not null)
        {
            Model = PrunedModel(options, log);
        }
        else
        {
            // A pruned checkpoint's module widths and stem channels are in its metadata; a resumed run takes them from there.
            var resumed = options.ResumePath is null ? null : CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(options.ResumePath))?.Architecture;
            var architecture = resumed is null
                ? options.Architecture
                : options.Architecture with { Widths = resumed.Widths, StemChannels = resumed.StemChannels };
            Model = new PoseNet(architecture);
        }

        Model.to(device);
        optimizer = optim.RMSProp(Model.parameters(), lr: options.LearningRate);
        if (options.DistillFromPath is not null)
        {
            try
            {
                distillation = new HeatmapDistillation(options.DistillFromPath, options.TeacherShare, options.Joints, options.InputSize, device);
            }
            catch
            {
                Dispose();
                throw;
            }

            log.WriteLine(distillation.Describe(options.DistillFromPath));
        }

        firstEpoch = 1;
        if (options.ResumePath is not null)
        {
            CheckpointMetadata? metadata;
            bool optimizerRestored;
            try
            {
                metadata = TrainingCheckpoint.Load(options.ResumePath, Model, optimizer, out optimizerRestored);
            }
            catch
            {
                Dispose();
                throw;
            }

            firstEpoch = (metadata?.Epoch ?? 0) + 1;

            // The restored optimizer state carries the learning rate it was saved with; --lr (and --lr-steps) win, so
            // that a resumed run can continue at another rate.
            double restoredRate = optimizer.ParamGroups.First().LearningRate;
            double firstRate = options.LearningRateAt(firstEpoch);
            SetLearningRate(firstRate);
            if (optimizerRestored && restoredRate != firstRate)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"learning rate {firstRate:g} (the checkpoint's optimizer had {restoredRate:g})"));
            }
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"resumed from {options.ResumePath} (epoch {metadata?.Epoch.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, " +
                $"optimizer state {(optimizerRestored ? "restored" : "not available, starting fresh")})"));
            if (metadata is { InputSize: > 0 } && (metadata.InputSize != options.InputSize || metadata.Sigma != builder.Sigma))
            {
                // The weights of every layer fit any input size, so a resumed run may fine-tune at another one; say so,
                // since the new checkpoints record the new size and sigma.
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fine-tuning at input {options.InputSize}, sigma {builder.Sigma:g} (the checkpoint was trained at input {metadata.InputSize}, sigma {metadata.Sigma:g})"));
            }
        }
    }

    /// <summary>--prune-from: the checkpoint, checked against the options' architecture, pruned (<see cref="CheckpointPruning"/>).</summary>
    private static PoseNet PrunedModel(TrainingOptions options, TextWriter log)
    {
        var metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(options.PruneFromPath!));
        if (metadata is not null && metadata.Architecture with { Widths = null, StemChannels = HourglassArchitecture.DefaultStemChannels } != options.Architecture)
        {
            var a = metadata.Architecture;
            throw new TrainingException(
                $"checkpoint '{options.PruneFromPath}' is for {a.ToCommandLine()}; " +
                "give the same options with --prune-from", isUsageError: true);
        }

        var (model, result) = CheckpointPruning.Prune(options.PruneFromPath!, options.PruneTargetMacs!.Value, options.InputSize);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pruned {options.PruneFromPath} by batch-norm |gamma|: MACs {result.MacsBefore:N0} -> {result.MacsAfter:N0} ({100.0 * result.MacsAfter / result.MacsBefore:F1}%), " +
            $"parameters {result.ParametersBefore:N0} -> {result.ParametersAfter:N0}, inner channels {result.Modules.Sum(m => m.WidthAfter)} of {result.Modules.Sum(m => m.WidthBefore)}, " +
            $"stem channels {result.Architecture.StemChannels} of {result.StemChannelsBefore}"));
        return model;
    }

    /// <summary>The network being trained (on the selected device).</summary>
    public PoseNet Model { get; }

    public Device Device => device;

    /// <summary>The losses this run has logged so far: the block means (with --log-every) and the epoch losses. A
    /// resumed run's history starts at its first epoch.</summary>
    public LossHistory History { get; } = new();

    /// <summary>Runs the remaining epochs (up to --epochs), saving a checkpoint and printing a line after each.</summary>
    public IReadOnlyList<EpochSummary> Run(CancellationToken cancellationToken = default)
    {
        int steps = StepsPerEpoch(trainSet.Count);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PoseNet stacks {options.Stacks} features {options.Features} joints {options.Joints}{(options.Depth == PoseNetArchitecture.DefaultDepth ? "" : $" depth {options.Depth}")}{(options.Block == ResidualBlock.Bottleneck ? "" : " depthwise blocks")}{(options.ModulesPerLevel == 1 ? "" : $" {options.ModulesPerLevel} modules per level")} input {options.InputSize} on {device.type.ToString().ToLowerInvariant()}: " +
            $"{trainSet.Count} training / {validationSet.Count} validation people, {steps} steps of {options.BatchSize} per epoch, " +
            $"augmentation {(options.Augment ? (builder.CanFlip ? "rotate+scale+flip" : "rotate+scale (no flip pairs for this joint count)") : "off")}; " +
            $"{LibTorchOneDnn.Apply().Description}; {OneDnnIsaCap.Current.Description}; {NativeHeapRetention.Apply().Description}"));
        if (firstEpoch > options.Epochs)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"nothing to do: the checkpoint is at epoch {firstEpoch - 1} and --epochs is {options.Epochs}"));
        }

        var summaries = new List<EpochSummary>();
        double rate = optimizer.ParamGroups.First().LearningRate;
        for (int epoch = firstEpoch; epoch <= options.Epochs; epoch++)
        {
            double epochRate = options.LearningRateAt(epoch);
            if (epochRate != rate)
            {
                rate = epochRate;
                SetLearningRate(rate);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}: learning rate {rate:g} (--lr-steps)"));
            }

            var clock = Stopwatch.StartNew();
            (double trainLoss, int images) = TrainEpoch(epoch, cancellationToken);
            double seconds = clock.Elapsed.TotalSeconds;
            double? validationLoss = validationSet.Count > 0 ? Evaluate(validationSet, cancellationToken) : null;

            var metadata = new CheckpointMetadata
            {
                Epoch = epoch,
                Stacks = options.Stacks,
                Features = options.Features,
                Joints = options.Joints,
                Depth = options.Depth,
                Block = options.Block,
                ModulesPerLevel = options.ModulesPerLevel,
                ResidualWidths = Model.Architecture.Widths?.ToDictionary(),
                StemChannels = Model.Architecture.StemChannels == HourglassArchitecture.DefaultStemChannels ? null : Model.Architecture.StemChannels,
                InputSize = options.InputSize,
                Sigma = builder.Sigma,
                LearningRate = rate,
                TrainLoss = trainLoss,
                ValidationLoss = validationLoss,
            };
            string checkpoint = TrainingCheckpoint.Save(options.OutputFolder, Model, optimizer, metadata);
            var summary = new EpochSummary(epoch, options.Epochs, trainLoss, validationLoss, images, seconds, checkpoint);
            summaries.Add(summary);
            log.WriteLine(summary.ToString());
            History.AddEpoch(epoch, steps, trainLoss, validationLoss);
            WriteLossCurve();
        }

        return summaries;
    }

    /// <summary>Mean loss over <paramref name="samples"/> in eval mode (running BatchNorm statistics), no augmentation;
    /// against the ground truth alone, also in a distilling run.</summary>
    public double Evaluate(IReadOnlyList<MpiiAnnotation> samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        Model.eval();
        double sum = 0;
        using (no_grad())
        {
            for (int start = 0; start < samples.Count; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                MpiiAnnotation[] part = samples.Skip(start).Take(options.BatchSize).ToArray();
                TrainingBatch batch = TrainingBatch.Build(builder, part, part.Select(_ => Augmentation.Identity).ToArray());
                sum += GcQuietStep.Run(() =>
                {
                    using var scope = NewDisposeScope();
                    (Tensor input, Tensor target) = ToDevice(batch);
                    return StackedHeatmapLoss.Compute(Model.forward(input), target).item<float>();
                }) * batch.Count;
            }
        }

        return sum / samples.Count;
    }

    private void SetLearningRate(double rate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = rate;
        }
    }

    public void Dispose()
    {
        distillation?.Dispose();
        optimizer.Dispose();
        Model.Dispose();
    }

    private (double Loss, int Images) TrainEpoch(int epoch, CancellationToken cancellationToken)
    {
        Model.train();
        List<MpiiAnnotation[]> batches = ShuffledBatches();
        double sum = 0, runningSum = 0;
        int images = 0, runningImages = 0;

        // Batches are built before their step, not on other threads during it: a thread that allocates while
        // libtorch runs can trigger a garbage collection that frees TorchSharp's temporary scalars mid-call (GcQuietStep).
        for (int step = 0; step < batches.Count; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TrainingBatch batch = Build(batches[step]);
            float loss = GcQuietStep.Run(() =>
            {
                using var scope = NewDisposeScope();
                (Tensor input, Tensor target) = ToDevice(batch);
                if (distillation is not null)
                {
                    target = distillation.Blend(input, target);
                }

                Tensor value = StackedHeatmapLoss.Compute(Model.forward(input), target);
                optimizer.zero_grad();
                value.backward();
                optimizer.step();
                return value.item<float>();
            });

            if (!float.IsFinite(loss))
            {
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture,
                    $"the loss became {loss} at epoch {epoch} step {step + 1}; try a lower --lr"));
            }

            sum += (double)loss * batch.Count;
            images += batch.Count;
            runningSum += (double)loss * batch.Count;
            runningImages += batch.Count;
            if (options.LogEvery > 0 && (step + 1) % options.LogEvery == 0)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  epoch {epoch} step {step + 1}/{batches.Count}  loss {runningSum / runningImages:0.000000}"));
                History.Add(new LossRecord(LossKind.Block, epoch, step + 1, batches.Count, runningSum / runningImages));
                runningSum = 0;
                runningImages = 0;
            }
        }

        return (sum / images, images);
    }

    /// <summary>Rewrites loss.csv and loss.png in the output folder, each whole or not at all (temporary file and
    /// rename). A plot that cannot be written costs a warning line, not the run.</summary>
    private void WriteLossCurve()
    {
        try
        {
            LossCsv.Write(Path.Combine(options.OutputFolder, LossCsvFileName), History);
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.OutputFolder)));
            new LossPlot(History, $"Training loss: {name}").Save(Path.Combine(options.OutputFolder, LossPlotFileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"warning: the loss curve was not written: {e.Message.Split('\n')[0].Trim()}");
        }
    }

    private TrainingBatch Build(MpiiAnnotation[] samples)
    {
        // Draw the augmentations here, in order, so that a seed gives the same run whatever the thread timing.
        Augmentation[] augmentations = samples
            .Select(_ => options.Augment ? Augmentation.Draw(random, builder.CanFlip) : Augmentation.Identity)
            .ToArray();
        return TrainingBatch.Build(builder, samples, augmentations);
    }

    private List<MpiiAnnotation[]> ShuffledBatches()
    {
        MpiiAnnotation[] order = trainSet.ToArray();
        random.Shuffle(order);
        var batches = order.Chunk(options.BatchSize).ToList();

        // Drop a last batch too small for BatchNorm in training mode (see MinimumBatch).
        if (batches.Count > 1 && batches[^1].Length < MinimumBatch(options.InputSize, options.Depth))
        {
            batches.RemoveAt(batches.Count - 1);
        }

        return batches;
    }

    private int StepsPerEpoch(int count)
    {
        int steps = (count + options.BatchSize - 1) / options.BatchSize;
        int last = count - (steps - 1) * options.BatchSize;
        return steps > 1 && last < MinimumBatch(options.InputSize, options.Depth) ? steps - 1 : steps;
    }

    private (Tensor Input, Tensor Target) ToDevice(TrainingBatch batch)
    {
        int res = builder.InputSize, output = builder.OutputSize;
        Tensor input = tensor(batch.Inputs, [batch.Count, 3, res, res]).to(device);
        Tensor target = tensor(batch.Targets, [batch.Count, builder.Joints, output, output]).to(device);
        return (input, target);
    }

    private void CheckImagesExist(IReadOnlyList<MpiiAnnotation> all)
    {
        string[] missing = all.Select(builder.ImagePath).Distinct().Where(p => !File.Exists(p)).ToArray();
        if (missing.Length > 0)
        {
            throw new TrainingException(
                $"{missing.Length} annotated image(s) are missing from '{options.ImagesFolder}' (first: '{missing[0]}')");
        }
    }

    /// <summary>The hourglass bottom is (input / 4 / 2^depth)² pixels; BatchNorm needs at least two values per channel to train.</summary>
    private static int MinimumBatch(int inputSize, int depth)
    {
        int bottom = inputSize / (HourglassArchitecture.OutputStride << depth);
        return bottom * bottom >= 2 ? 1 : 2;
    }
}
