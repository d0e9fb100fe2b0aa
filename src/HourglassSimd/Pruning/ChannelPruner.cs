using HourglassSimd.Topology;

namespace HourglassSimd.Pruning;

/// <summary>
/// Structured pruning of residual modules: removes whole inner channels (conv1's outputs and conv2's outputs, with
/// their batch norms and the matching inputs of conv2 and conv3), so that the result is a smaller dense network
/// described by <see cref="HourglassArchitecture.Widths"/>; and, unless <see cref="PruningOptions.PruneStem"/> is off,
/// outputs of the 7x7 stem convolution (<see cref="HourglassArchitecture.StemChannels"/>), which feed only the first
/// stem residual. The residual stream (features) keeps its width: every module's shortcut adds into it, so it cannot
/// shrink one module at a time.
/// </summary>
/// <remarks>
/// Each module has two channel sets that shrink to one width w: A, the outputs of conv1 (the inputs of conv2), and B,
/// the outputs of conv2 (the inputs of conv3); in a depthwise module A and B are the same channels. Channels are
/// scored by <see cref="PruningCriterion"/>; within a module the k-th best of A and of B together score as the mean
/// of their scores, each normalized by its layer's mean score so that layers of different fan-in compare. A global
/// threshold (or, per module, a common share) is then searched so that the network keeps at most the requested share
/// of MACs or parameters, and each module keeps its w best channels of A and of B (at least one). The stem
/// convolution's outputs are one more channel set, scored by the same criterion (its batch norm or filters) and cut by
/// the same threshold. A removed channel counts as zero: for a stem channel, what the first residual's pre-activation
/// makes of a zero (a constant) moves into its conv1 bias; nothing else compensates for what removed channels
/// contributed, so fine-tune afterwards (the training project's --prune-from).
/// </remarks>
public static class ChannelPruner
{
    /// <summary>Prunes <paramref name="weights"/> (trained or folded form) of <paramref name="architecture"/>.</summary>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    /// <exception cref="ArgumentException">The criterion needs the trained form, the options are out of range, or the budget is below what the narrowest network keeps.</exception>
    public static PruningResult Prune(HourglassArchitecture architecture, HourglassWeights weights, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        weights.Validate(architecture);
        if (options.Criterion == PruningCriterion.BatchNormScale && weights.IsFolded)
            throw new ArgumentException("The batch-norm scale criterion needs the trained weights (a checkpoint); a model file's batch norms are folded. Use the filter L1 criterion.", nameof(options));

        bool depthwise = architecture.Block == ResidualBlock.Depthwise;
        var modules = HourglassTopology.ResidualModules(architecture);
        // One ranking per channel set: the modules in walk order, then the stem convolution's outputs when they are pruned.
        var ranked = modules.Select(m => Rank(m, weights, options.Criterion, depthwise))
            .Concat(options.PruneStem ? [RankStem(weights, options.Criterion)] : []).ToArray();
        long Count(HourglassArchitecture a) => options.Target == PruningTarget.Macs ? a.MacCount : a.ParameterCount;
        long before = Count(architecture);
        long budget = (long)Math.Floor(before * options.Ratio);

        // The kept widths for a cut: a score threshold (global) or a share of each module (per module).
        int Round(int width, int full) => Math.Min(full, (Math.Max(1, width) + options.WidthMultiple - 1) / options.WidthMultiple * options.WidthMultiple);
        int[] WidthsAt(double cut) => options.Scope == PruningScope.Global
            ? ranked.Select(r => Round(r.Scores.Count(s => s >= cut), r.Scores.Length)).ToArray()
            : ranked.Select(r => Round((int)Math.Ceiling(cut * r.Scores.Length), r.Scores.Length)).ToArray();
        HourglassArchitecture With(int[] widths) => architecture with
        {
            Widths = Widths(modules, widths),
            StemChannels = options.PruneStem ? widths[^1] : architecture.StemChannels,
        };

        // Candidate cuts in the order that keeps more: descending scores, or ascending shares.
        double[] cuts = options.Scope == PruningScope.Global
            ? ranked.SelectMany(r => r.Scores).Distinct().OrderDescending().ToArray()
            : ShareSteps(ranked.Max(r => r.Scores.Length));
        // Binary search for the cut that keeps the most while staying within the budget (keeping more never costs less).
        int lo = 0, hi = cuts.Length - 1, best = 0;
        long smallest = Count(With(WidthsAt(cuts[0])));
        if (smallest > budget)
        {
            var c = System.Globalization.CultureInfo.InvariantCulture;
            string narrowest = options.WidthMultiple > 1 ? $"{options.WidthMultiple} channels, the width multiple" : "one channel";
            throw new ArgumentException(
                $"The network cannot be pruned to {options.Ratio.ToString("0.###", c)} of its {options.Target.ToString().ToLowerInvariant()}: with every module " +
                $"at its narrowest ({narrowest}) it keeps {((double)smallest / before).ToString("0.###", c)}; the shortcut projections, the heads and the stem's residual stream are not pruned" +
                (options.PruneStem ? "." : ", nor (as asked) the stem convolution."),
                nameof(options));
        }
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (Count(With(WidthsAt(cuts[mid]))) <= budget)
            {
                best = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        int[] kept = WidthsAt(cuts[best]);
        var pruned = With(kept);
        var tensors = Slice(weights, modules, ranked, kept, depthwise);
        if (options.PruneStem)
            tensors = SliceStem(weights, tensors, ranked[^1].OrderA.Take(kept[^1]).Order().ToArray());
        var result = new HourglassWeights(tensors, weights.IsFolded);
        result.Validate(pruned);
        return new PruningResult(pruned, result, architecture.MacCount, pruned.MacCount, architecture.ParameterCount, pruned.ParameterCount,
            modules.Select((m, i) => new PrunedModule(m.Prefix, m.InnerChannels, kept[i])).ToArray(), architecture.StemChannels);
    }

    /// <summary>The shares 1/n, 2/n, ..., 1 of the widest module's n channels: every distinct per-module cut.</summary>
    private static double[] ShareSteps(int widest) => Enumerable.Range(1, widest).Select(k => (double)k / widest).ToArray();

    /// <summary>A module's channels of A and of B, best first, and the combined score of each rank.</summary>
    private sealed record Ranking(int[] OrderA, int[] OrderB, double[] Scores);

    private static Ranking Rank(ResidualModule module, HourglassWeights weights, PruningCriterion criterion, bool depthwise)
    {
        double[] a = Normalized(ChannelScores(weights, module.Prefix + ".conv1.conv", module.Prefix + ".bn2", criterion));
        double[] b = Normalized(ChannelScores(weights, module.Prefix + ".conv2.conv", module.Prefix + ".bn3", criterion));
        if (depthwise)
        {
            double[] both = a.Zip(b, (x, y) => (x + y) / 2).ToArray();
            int[] order = Descending(both);
            return new Ranking(order, order, order.Select(c => both[c]).ToArray());
        }
        int[] orderA = Descending(a), orderB = Descending(b);
        return new Ranking(orderA, orderB, orderA.Zip(orderB, (i, j) => (a[i] + b[j]) / 2).ToArray());
    }

    /// <summary>The stem convolution's outputs, best first (one set: A and B are the same channels).</summary>
    private static Ranking RankStem(HourglassWeights weights, PruningCriterion criterion)
    {
        double[] scores = Normalized(ChannelScores(weights, StemConv, "pre.0.bn", criterion));
        int[] order = Descending(scores);
        return new Ranking(order, order, order.Select(c => scores[c]).ToArray());
    }

    private const string StemConv = "pre.0.conv", FirstStemResidual = "pre.1";

    /// <summary>Per output channel of a convolution: |γ| of the batch norm after it, or the L1 norm of its filter as folded.</summary>
    private static double[] ChannelScores(HourglassWeights weights, string conv, string batchNorm, PruningCriterion criterion)
    {
        var weight = weights.Get(conv + ".weight");
        int outChannels = weight.Shape[0], perChannel = weight.Data.Length / outChannels;
        double[] bnScale = new double[outChannels];
        if (weights.IsFolded)
        {
            Array.Fill(bnScale, 1.0); // folded into the weights already
        }
        else
        {
            float[] gamma = weights.Get(batchNorm + ".weight").Data, variance = weights.Get(batchNorm + ".running_var").Data;
            for (int c = 0; c < outChannels; c++)
                bnScale[c] = criterion == PruningCriterion.BatchNormScale ? 1 : gamma[c] / Math.Sqrt(variance[c] + BatchNormFolding.Epsilon);
            if (criterion == PruningCriterion.BatchNormScale)
                return gamma.Select(g => (double)Math.Abs(g)).ToArray();
        }
        var scores = new double[outChannels];
        for (int c = 0; c < outChannels; c++)
        {
            double sum = 0;
            for (int k = 0; k < perChannel; k++)
                sum += Math.Abs(weight.Data[c * perChannel + k]);
            scores[c] = Math.Abs(bnScale[c]) * sum;
        }
        return scores;
    }

    /// <summary>Scores divided by their mean (all zero stays zero), so layers of different fan-in compare.</summary>
    private static double[] Normalized(double[] scores)
    {
        double mean = scores.Average();
        return mean > 0 ? scores.Select(s => s / mean).ToArray() : scores;
    }

    /// <summary>Channel indices by descending score; ties by index, so the result is deterministic.</summary>
    private static int[] Descending(double[] scores) =>
        Enumerable.Range(0, scores.Length).OrderByDescending(c => scores[c]).ThenBy(c => c).ToArray();

    private static ResidualWidths? Widths(IReadOnlyList<ResidualModule> modules, int[] widths)
    {
        var entries = modules.Select((m, i) => new KeyValuePair<string, int>(m.Prefix, widths[i])).Where((e, i) => e.Value != modules[i].OutChannels / 2);
        var result = new ResidualWidths(entries);
        return result.Count == 0 ? null : result;
    }

    /// <summary>Every tensor, with the pruned modules' inner channels reduced to their kept sets (kept in their original order).</summary>
    private static List<WeightTensor> Slice(HourglassWeights weights, IReadOnlyList<ResidualModule> modules, Ranking[] ranked, int[] kept, bool depthwise)
    {
        var keep = new Dictionary<string, (int[] A, int[] B)>(StringComparer.Ordinal);
        for (int i = 0; i < modules.Count; i++)
        {
            int[] a = ranked[i].OrderA.Take(kept[i]).Order().ToArray();
            int[] b = depthwise ? a : ranked[i].OrderB.Take(kept[i]).Order().ToArray();
            keep[modules[i].Prefix] = (a, b);
        }
        // The replacement of every tensor inside a module's bottleneck; bn1 (on the module input), conv3's bias and the
        // shortcut projection keep their shapes.
        var replaced = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        void Replace(string name, Func<WeightTensor, WeightTensor> slice)
        {
            if (weights.Tensors.TryGetValue(name, out var tensor))
                replaced[name] = slice(tensor);
        }
        foreach (var (prefix, (a, b)) in keep)
        {
            Replace(prefix + ".conv1.conv.weight", t => Rows(t, a));
            Replace(prefix + ".conv1.conv.bias", t => Rows(t, a));
            Replace(prefix + ".conv2.conv.weight", t => depthwise ? Rows(t, a) : Columns(Rows(t, b), a));
            Replace(prefix + ".conv2.conv.bias", t => Rows(t, b));
            Replace(prefix + ".conv3.conv.weight", t => Columns(t, b));
            foreach (string statistic in (string[])["weight", "bias", "running_mean", "running_var"])
            {
                Replace($"{prefix}.bn2.{statistic}", t => Rows(t, a));
                Replace($"{prefix}.bn3.{statistic}", t => Rows(t, b));
            }
        }
        return weights.Tensors.Values.Select(t => replaced.GetValueOrDefault(t.Name, t)).ToList();
    }

    /// <summary>
    /// The tensors with the stem convolution reduced to the <paramref name="kept"/> outputs, with its batch norm, and the
    /// first residual's pre-activation, conv1 inputs and shortcut-projection inputs to match. A removed channel is zero,
    /// which the pre-activation turns into relu(shift) of its batch norm: that constant, through conv1's weights, is
    /// added to conv1's bias, so removing a channel that is zero everywhere changes nothing.
    /// </summary>
    private static List<WeightTensor> SliceStem(HourglassWeights weights, List<WeightTensor> tensors, int[] kept)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        int channels = byName[StemConv + ".weight"].Shape[0];
        if (kept.Length == channels)
            return tensors;
        string bn1 = FirstStemResidual + ".bn1", conv1 = FirstStemResidual + ".conv1.conv";
        float[] zeroResponse = PreActivationOfZero(weights, bn1, channels);
        var weight = byName[conv1 + ".weight"];
        int inner = weight.Shape[0];
        float[] bias = (float[])byName[conv1 + ".bias"].Data.Clone();
        var removed = Enumerable.Range(0, channels).Except(kept).ToArray();
        for (int o = 0; o < inner; o++)
        {
            double sum = bias[o];
            foreach (int c in removed)
                sum += (double)weight.Data[o * channels + c] * zeroResponse[c];
            bias[o] = (float)sum;
        }

        var replaced = new Dictionary<string, WeightTensor>(StringComparer.Ordinal)
        {
            [conv1 + ".bias"] = new WeightTensor(conv1 + ".bias", [inner], bias),
            [conv1 + ".weight"] = Columns(weight, kept),
        };
        void Replace(string name, Func<WeightTensor, WeightTensor> slice)
        {
            if (byName.TryGetValue(name, out var tensor))
                replaced[name] = slice(tensor);
        }
        Replace(StemConv + ".weight", t => Rows(t, kept));
        Replace(StemConv + ".bias", t => Rows(t, kept));
        Replace(FirstStemResidual + ".skip_layer.conv.weight", t => Columns(t, kept));
        foreach (string statistic in (string[])["weight", "bias", "running_mean", "running_var", "scale", "shift"])
        {
            Replace($"pre.0.bn.{statistic}", t => Rows(t, kept));
            Replace($"{bn1}.{statistic}", t => Rows(t, kept));
        }
        return tensors.Select(t => replaced.GetValueOrDefault(t.Name, t)).ToList();
    }

    /// <summary>relu(batch norm of 0) per channel of the pre-activation <paramref name="batchNorm"/>, in either weight form.</summary>
    private static float[] PreActivationOfZero(HourglassWeights weights, string batchNorm, int channels)
    {
        var response = new float[channels];
        if (weights.IsFolded)
        {
            float[] shift = weights.Get(batchNorm + ".shift").Data;
            for (int c = 0; c < channels; c++)
                response[c] = Math.Max(0, shift[c]);
            return response;
        }
        float[] gamma = weights.Get(batchNorm + ".weight").Data, beta = weights.Get(batchNorm + ".bias").Data;
        float[] mean = weights.Get(batchNorm + ".running_mean").Data, variance = weights.Get(batchNorm + ".running_var").Data;
        for (int c = 0; c < channels; c++)
            response[c] = (float)Math.Max(0, beta[c] - mean[c] * gamma[c] / Math.Sqrt(variance[c] + BatchNormFolding.Epsilon));
        return response;
    }

    /// <summary>The tensor with only the given indices of its first dimension.</summary>
    private static WeightTensor Rows(WeightTensor tensor, int[] rows)
    {
        int per = tensor.Data.Length / tensor.Shape[0];
        var data = new float[rows.Length * per];
        for (int r = 0; r < rows.Length; r++)
            Array.Copy(tensor.Data, rows[r] * per, data, r * per, per);
        return new WeightTensor(tensor.Name, [rows.Length, .. tensor.Shape.Skip(1)], data);
    }

    /// <summary>The tensor with only the given indices of its second dimension.</summary>
    private static WeightTensor Columns(WeightTensor tensor, int[] columns)
    {
        int outer = tensor.Shape[0], inner = tensor.Shape[1], per = tensor.Data.Length / (outer * inner);
        var data = new float[outer * columns.Length * per];
        for (int o = 0; o < outer; o++)
        for (int c = 0; c < columns.Length; c++)
            Array.Copy(tensor.Data, (o * inner + columns[c]) * per, data, (o * columns.Length + c) * per, per);
        return new WeightTensor(tensor.Name, [outer, columns.Length, .. tensor.Shape.Skip(2)], data);
    }
}
