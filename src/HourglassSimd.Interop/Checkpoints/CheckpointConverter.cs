using System.Text.RegularExpressions;
using HourglassSimd.Topology;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// Turns a checkpoint's state dict into an <c>.hgw</c> model (docs/checkpoint-formats.md, "Conversion"): strips a
/// wrapping key prefix (<c>module.</c>, <c>model.module.</c>, ...), leaves out <c>num_batches_tracked</c> and
/// princeton-vl's unused identity shortcuts, infers stacks, features and joints from the tensors (checking them
/// against the options), and validates every tensor against the architecture before folding.
/// </summary>
public static partial class CheckpointConverter
{
    /// <summary>The key that locates the network inside the state dict (the stem's first convolution).</summary>
    public const string AnchorKey = "pre.0.conv.weight";

    /// <summary>
    /// Reads a TorchSharp <c>Module.save</c>, PyTorch <c>torch.save</c> zip or safetensors file and converts it: the
    /// model file (architecture inferred, batch norms folded) with the report of what was stripped and ignored.
    /// </summary>
    /// <example><code>HourglassModelFile model = CheckpointConverter.ConvertFile("posenet-epoch-100.dat").Model;</code></example>
    /// <exception cref="CheckpointFormatException">The file is not a supported checkpoint, or it is truncated or corrupt.</exception>
    /// <exception cref="CheckpointConversionException">The tensors do not make a network of the inferred (or given) architecture.</exception>
    public static ConvertedCheckpoint ConvertFile(string path, ConversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ConversionOptions();
        var checkpoint = CheckpointReader.Read(path, tensors => CheckSizes(tensors, options));
        return Convert(checkpoint, options.Source is null ? options with { Source = Path.GetFileName(path) } : options);
    }

    /// <summary>
    /// The check to run before a checkpoint's data is read (the <c>beforeData</c> argument of
    /// <see cref="CheckpointReader.Read(string, Action{IReadOnlyList{CheckpointTensorInfo}}?)"/>): infers the architecture
    /// from the tensors' names and shapes as <see cref="Convert"/> does, and refuses a checkpoint whose floating-point
    /// tensors hold more values than <see cref="MaxValuesPerParameter"/> times the architecture's parameter count. So a
    /// file that states more data than the network it describes could use (a decompression bomb) fails before anything
    /// is inflated, and one that cannot be converted at all fails before its data is read.
    /// </summary>
    /// <exception cref="CheckpointConversionException">The architecture cannot be inferred, disagrees with the options, or the tensors hold too much.</exception>
    public static void CheckSizes(IReadOnlyList<CheckpointTensorInfo> tensors, ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(options);
        string prefix = FindPrefix(tensors.Select(t => t.Name).ToList());
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
            if (tensor.Name.StartsWith(prefix, StringComparison.Ordinal) && tensor.Name.Length > prefix.Length)
                shapes[tensor.Name[prefix.Length..]] = tensor.Shape;
        foreach (string name in shapes.Keys.Where(n => IgnoreReason(n, shapes) is not null).ToList())
            shapes.Remove(name);
        var architecture = InferArchitecture(shapes, options);
        long values = tensors.Where(t => t.ElementType.IsFloatingPoint())
            .Aggregate(0L, (sum, t) => sum > long.MaxValue - t.ElementCount ? long.MaxValue : sum + t.ElementCount);
        long budget = MaxValuesPerParameter * architecture.ParameterCount;
        if (values > budget)
            throw new CheckpointConversionException(
                $"the checkpoint's floating-point tensors hold {values:N0} values, more than {MaxValuesPerParameter} times the {architecture.ParameterCount:N0} " +
                $"parameters of the network they describe ({architecture}); nothing was inflated.");
    }

    /// <summary>
    /// How many stored values per parameter <see cref="CheckSizes"/> allows: the running statistics and princeton-vl's
    /// unused identity shortcuts (hourglass-spec §1.7) together stay below twice the parameter count.
    /// </summary>
    public const int MaxValuesPerParameter = 3;

    /// <summary>Converts <paramref name="checkpoint"/>.</summary>
    /// <exception cref="CheckpointConversionException">The tensors do not make a network of the inferred (or given) architecture.</exception>
    /// <exception cref="ArgumentException">The given joint layout has another joint count than the checkpoint.</exception>
    public static ConvertedCheckpoint Convert(Checkpoint checkpoint, ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        string prefix = FindPrefix(checkpoint.Tensors.Select(t => t.Name).ToList());
        var problems = new List<string>();
        var stripped = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        foreach (var tensor in checkpoint.Tensors)
        {
            if (tensor.Name.StartsWith(prefix, StringComparison.Ordinal) && tensor.Name.Length > prefix.Length)
                stripped[tensor.Name[prefix.Length..]] = tensor;
            else
                problems.Add($"unexpected tensor '{tensor.Name}' (outside the prefix '{prefix}' of the network's keys)");
        }

        var ignored = new List<IgnoredTensor>();
        var shapes = stripped.ToDictionary(t => t.Key, t => t.Value.Shape, StringComparer.Ordinal);
        foreach (string name in stripped.Keys.ToList())
        {
            if (IgnoreReason(name, shapes) is { } reason)
            {
                ignored.Add(new IgnoredTensor(prefix + name, reason));
                stripped.Remove(name);
            }
        }

        var architecture = InferArchitecture(stripped.ToDictionary(t => t.Key, t => t.Value.Shape, StringComparer.Ordinal), options);
        var weights = new List<WeightTensor>();
        foreach (var (name, tensor) in stripped)
        {
            if (tensor.Data is null)
                problems.Add($"tensor '{prefix + name}' has dtype {tensor.ElementType.TorchName()}; network weights must be floating point");
            else
                weights.Add(new WeightTensor(name, tensor.Shape, tensor.Data));
        }
        var trained = new HourglassWeights(weights);
        try
        {
            trained.Validate(architecture);
        }
        catch (WeightsMismatchException e)
        {
            problems.InsertRange(0, e.Problems);
        }
        if (problems.Count > 0)
            throw new CheckpointConversionException(architecture, problems);

        if (options.JointLayout is { } layout && layout.Count != architecture.Joints)
            throw new ArgumentException(
                $"joint layout {layout.Name} has {layout.Count} joints but the checkpoint has {architecture.Joints} heatmaps per stack.");
        var model = new HourglassModelFile(architecture, trained, options.Normalization, options.Source, options.JointLayout);
        return new ConvertedCheckpoint(model, prefix, ignored);
    }

    /// <summary>
    /// The prefix in front of the network's keys: whatever precedes <see cref="AnchorKey"/> (empty, <c>module.</c>,
    /// <c>model.module.</c>, ...).
    /// </summary>
    private static string FindPrefix(IReadOnlyList<string> names)
    {
        var prefixes = names
            .Where(n => n.EndsWith(AnchorKey, StringComparison.Ordinal))
            .Select(n => n[..^AnchorKey.Length])
            .Where(p => p.Length == 0 || p.EndsWith('.'))
            .ToList();
        if (prefixes.Count == 1)
            return prefixes[0];
        if (prefixes.Count > 1)
            throw new CheckpointConversionException(
                $"the checkpoint holds {prefixes.Count} networks (key prefixes {string.Join(", ", prefixes.Select(p => $"'{p}'"))}); convert a state dict with one.");
        if (names.Any(n => BearpawKey().IsMatch(n)))
            throw new CheckpointConversionException(
                "this looks like a bearpaw/pytorch-pose checkpoint (keys 'hg.N.hg...', 'score.N', 'layer1.0...'); its 'bp' stem is not supported. " +
                "Supported: the princeton-vl / HourglassSimd key layout of hourglass-spec §1.7-1.8 ('pre.0.conv.weight', 'hgs.0.0.up1...').");
        if (names.Count == 0)
            throw new CheckpointConversionException("the checkpoint holds no tensors.");
        return "";
    }

    private static IgnoredTensorReason? IgnoreReason(string name, Dictionary<string, int[]> shapes)
    {
        if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            return IgnoredTensorReason.BatchNormStepCounter;
        var match = SkipLayerKey().Match(name);
        if (!match.Success)
            return null;
        // An identity residual (in = out) never uses its shortcut. The widths come from the residual's own convolutions:
        // conv1 is [mid, in, 1, 1] and conv3 is [out, mid, 1, 1].
        string residual = match.Groups[1].Value;
        return shapes.TryGetValue(residual + ".conv1.conv.weight", out var conv1) && conv1.Length == 4
            && shapes.TryGetValue(residual + ".conv3.conv.weight", out var conv3) && conv3.Length == 4
            && conv1[1] == conv3[0]
            ? IgnoredTensorReason.UnusedIdentityShortcut
            : null;
    }

    /// <summary>
    /// Stacks = the number of heatmap heads <c>outs.i</c>; joints and features from the head's shape [J, F, 1, 1];
    /// the hourglass depth from the deepest key of the first hourglass (<see cref="InferDepth"/>); the block type from
    /// the shape of a 3x3 convolution (<see cref="InferBlock"/>).
    /// Options must agree with what the tensors show; they fill in only what cannot be inferred.
    /// </summary>
    private static HourglassArchitecture InferArchitecture(Dictionary<string, int[]> shapes, ConversionOptions options)
    {
        var heads = shapes.Keys.Select(k => HeadKey().Match(k)).Where(m => m.Success)
            .Select(m => int.TryParse(m.Groups[1].Value, out int i) ? i : -1).Where(i => i >= 0).Distinct().Order().ToList();
        int? stacks = heads.Count > 0 ? heads[^1] + 1 : null;
        int? joints = null, features = null;
        var head = heads.Count > 0 ? shapes[$"outs.{heads[0]}.conv.weight"] : null;
        if (head is [var j, var f, 1, 1])
        {
            joints = j;
            features = f;
        }
        else if (shapes.TryGetValue("pre.4.conv3.conv.weight", out var stemOut) && stemOut.Length == 4)
        {
            features = stemOut[0];
        }

        string headsText = heads.Count == 1 ? $"(outs.{heads[0]})" : $"(outs.{heads.FirstOrDefault()} ... outs.{heads.LastOrDefault()})";
        string headShape = head is null ? "" : $"(outs.{heads[0]}.conv.weight is {CheckpointTensor.FormatShape(head)})";
        string noHead = heads.Count == 0 ? "it has no 'outs.<i>.conv.weight' heatmap head" : $"outs.{heads[0]}.conv.weight is {CheckpointTensor.FormatShape(head!)}, not [joints, features, 1, 1]";
        int s = Agree("--stacks", "stacks", options.Stacks, stacks, headsText, noHead);
        int fw = Agree("--features", "features", options.Features, features, head is null ? "(pre.4.conv3.conv.weight)" : headShape, noHead);
        int jn = Agree("--joints", "joints", options.Joints, joints, headShape, noHead);
        try
        {
            var architecture = new HourglassArchitecture(s, fw, jn, options.InputSize, options.InputSize) { Depth = InferDepth(shapes.Keys), Block = InferBlock(shapes), StemChannels = InferStemChannels(shapes), ModulesPerLevel = InferModulesPerLevel(shapes) };
            return architecture with { Widths = InferWidths(architecture, shapes) };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CheckpointConversionException($"invalid architecture: {e.Message.Split('\n')[0].Replace($" (Parameter '{e.ParamName}')", "")}");
        }
    }

    /// <summary>
    /// An hourglass of depth d nests d − 1 hourglasses through <c>low2</c> and ends in a residual named <c>low2</c>, so
    /// its deepest keys hold d <c>low2</c> segments (<c>hgs.0.0.low2.low2.low2.low2.conv1.conv.weight</c> at depth 4).
    /// Without hourglass keys the paper's depth is assumed; the tensor check then reports what is missing.
    /// </summary>
    private static int InferDepth(IEnumerable<string> keys)
    {
        int depth = 0;
        foreach (string key in keys)
        {
            if (!key.StartsWith("hgs.0.0.", StringComparison.Ordinal))
                continue;
            int levels = key.Split('.').Count(part => part == "low2");
            depth = Math.Max(depth, levels);
        }
        return depth == 0 ? HourglassArchitecture.DefaultDepth : Math.Min(depth, HourglassArchitecture.MaxDepth + 1);
    }

    /// <summary>
    /// Depthwise blocks have 3x3 <c>conv2</c> weights of shape [mid, 1, 3, 3] (one input channel per group); any such
    /// tensor wider than one channel tells. Otherwise the paper's bottleneck is assumed and the tensor check reports
    /// what does not fit.
    /// </summary>
    private static ResidualBlock InferBlock(Dictionary<string, int[]> shapes) =>
        shapes.Any(p => p.Key.EndsWith(".conv2.conv.weight", StringComparison.Ordinal) && p.Value is [> 1, 1, 3, 3])
            ? ResidualBlock.Depthwise
            : ResidualBlock.Bottleneck;

    /// <summary>
    /// Boxes of more than one residual module name them <c>hgs.0.0.up1.0</c>, <c>hgs.0.0.up1.1</c>, ...: the count of
    /// such modules in the first box. Without them the paper's one module per box is assumed.
    /// </summary>
    private static int InferModulesPerLevel(Dictionary<string, int[]> shapes)
    {
        int n = 0;
        while (n <= HourglassArchitecture.MaxModulesPerLevel && shapes.ContainsKey($"hgs.0.0.up1.{n}.conv1.conv.weight"))
            n++;
        return Math.Max(1, n);
    }

    /// <summary>
    /// The stem convolution's outputs, from <c>pre.0.conv.weight</c> [channels, 3, 7, 7]: fewer than 64 in a network whose
    /// stem was pruned. Without a tensor of that form the paper's 64 is assumed and the tensor check reports the rest.
    /// </summary>
    private static int InferStemChannels(Dictionary<string, int[]> shapes) =>
        shapes.TryGetValue("pre.0.conv.weight", out var stem) && stem is [var channels and >= 1 and <= HourglassArchitecture.MaxFeatures, 3, 7, 7]
            ? channels
            : HourglassArchitecture.DefaultStemChannels;

    /// <summary>
    /// A pruned network's residual modules are narrower inside than out/2: each module whose <c>conv1</c> weight
    /// [inner, in, 1, 1] says another width is listed. Modules whose tensors are missing are left to the tensor check.
    /// </summary>
    private static ResidualWidths? InferWidths(HourglassArchitecture architecture, Dictionary<string, int[]> shapes)
    {
        var widths = new List<KeyValuePair<string, int>>();
        foreach (var module in HourglassTopology.ResidualModules(architecture))
        {
            if (shapes.TryGetValue(module.Prefix + ".conv1.conv.weight", out var conv1) && conv1 is [var inner and >= 1 and <= HourglassArchitecture.MaxFeatures, _, 1, 1]
                && inner != module.InnerChannels)
                widths.Add(new(module.Prefix, inner));
        }
        return widths.Count == 0 ? null : new ResidualWidths(widths);
    }

    private static int Agree(string option, string what, int? given, int? inferred, string evidence, string whyUnknown)
    {
        if (given is { } g && inferred is { } i && g != i)
            throw new CheckpointConversionException($"{option} {g} disagrees with the checkpoint, which has {i} {what} {evidence}.");
        return given ?? inferred
            ?? throw new CheckpointConversionException($"cannot infer the number of {what} from the checkpoint ({whyUnknown}); pass {option}.");
    }

    [GeneratedRegex(@"^(.+)\.skip_layer\.conv\.(weight|bias)$")]
    private static partial Regex SkipLayerKey();

    [GeneratedRegex(@"^outs\.(\d+)\.conv\.weight$")]
    private static partial Regex HeadKey();

    [GeneratedRegex(@"(^|\.)(hg\.\d+\.hg\.\d|score_?\.\d+\.|layer1\.0\.conv1\.)")]
    private static partial Regex BearpawKey();
}
