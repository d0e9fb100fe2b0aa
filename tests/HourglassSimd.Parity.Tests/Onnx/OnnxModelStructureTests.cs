using System.Runtime.Intrinsics.X86;
using HourglassSimd.Parity.Tests.Support;
using HourglassSimd.Interop.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests;

/// <summary>The exported file itself: header, graph contract, node mapping, initializers, and how ONNX Runtime sees it.</summary>
public sealed class OnnxModelStructureTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> Operators = ["Conv", "Relu", "BatchNormalization", "MaxPool", "Resize", "Add", "Unsqueeze", "Concat"];

    /// <summary>Used convolutions, pre-activation batch norms (= residual modules) for J = 16 (hourglass-spec §1.6).</summary>
    [Theory]
    [InlineData(1, 16, 56, 17)]
    [InlineData(2, 16, 102, 31)]
    [InlineData(8, 16, 378, 115)]
    public void Graph_has_the_documented_header_contract_and_node_mapping(int stacks, int joints, int convs, int residuals)
    {
        var arch = new HourglassArchitecture(stacks, features: 16, joints, inputHeight: 128, inputWidth: 64);
        var view = new OnnxModelView(HourglassOnnxExporter.ExportToBytes(arch, HourglassWeights.CreateRandom(arch, 3)));

        Assert.Equal(7, view.IrVersion);
        Assert.Equal("HourglassSimd", view.ProducerName);
        Assert.Equal([("", 13L)], view.Opsets);

        var input = Assert.Single(view.Inputs);
        Assert.Equal(HourglassOnnxExporter.InputName, input.Name);
        Assert.Equal(1, input.ElemType);
        Assert.Equal(["N", "3", "128", "64"], input.Dims);
        var outputInfo = Assert.Single(view.Outputs);
        Assert.Equal(HourglassOnnxExporter.OutputName, outputInfo.Name);
        Assert.Equal(["N", $"{stacks}", $"{joints}", "32", "16"], outputInfo.Dims);

        Assert.All(view.Nodes, n => Assert.Contains(n.OpType, Operators));
        Assert.All(view.Nodes, n => Assert.Equal("", n.Domain));
        Assert.Equal(convs, view.Count("Conv"));
        Assert.Equal(residuals, view.Count("BatchNormalization"));
        Assert.Equal(1 + 3 * residuals + stacks, view.Count("Relu")); // stem, per residual BN + conv1 + conv2, per stack the linear layer
        Assert.Equal(1 + 4 * stacks, view.Count("MaxPool"));
        Assert.Equal(4 * stacks, view.Count("Resize"));
        Assert.Equal(residuals + 4 * stacks + 2 * (stacks - 1), view.Count("Add"));
        Assert.Equal(stacks, view.Count("Unsqueeze"));
        Assert.Equal(stacks > 1 ? 1 : 0, view.Count("Concat"));

        // Topologically sorted, every value defined once, every input defined before use ("" = omitted optional input).
        var defined = new HashSet<string>(view.Initializers.Select(t => t.Name).Concat(view.Inputs.Select(i => i.Name)));
        foreach (var node in view.Nodes)
        {
            Assert.All(node.Inputs, name => Assert.True(name.Length == 0 || defined.Contains(name), $"{node.Name} reads undefined '{name}'"));
            Assert.All(node.Outputs, name => Assert.True(defined.Add(name), $"'{name}' is defined twice"));
        }
        Assert.Equal(HourglassOnnxExporter.OutputName, view.Nodes[^1].Outputs.Single());

        output.WriteLine($"{arch}: {view.Nodes.Count} nodes, {view.Initializers.Count} initializers; " +
            string.Join(", ", view.Nodes.GroupBy(n => n.OpType).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
    }

    [Fact]
    public void Initializers_are_raw_data_constants_and_not_graph_inputs()
    {
        var arch = new HourglassArchitecture(2, features: 32, joints: 17, inputHeight: 64, inputWidth: 64);
        var weights = HourglassWeights.CreateRandom(arch, 4);
        var view = new OnnxModelView(HourglassOnnxExporter.ExportToBytes(arch, weights));
        var folded = weights.Fold(arch);

        Assert.DoesNotContain(view.Inputs, i => view.Initializers.Any(t => t.Name == i.Name));
        Assert.Equal(view.Initializers.Count, view.Initializers.Select(t => t.Name).Distinct().Count());
        foreach (var t in view.Initializers)
        {
            Assert.False(t.HasTypedData, $"{t.Name} uses typed data fields");
            int elementSize = t.DataType switch { 1 => 4, 7 => 8, _ => throw new Xunit.Sdk.XunitException($"{t.Name} has data type {t.DataType}") };
            Assert.Equal(t.Dims.Aggregate(1L, (a, d) => a * d) * elementSize, t.RawDataBytes);
        }
        // Every folded weight tensor is there under its own name and shape.
        foreach (var (name, tensor) in folded.Tensors)
            Assert.Equal(tensor.Shape.Select(d => (long)d), view.Initializers.Single(t => t.Name == name).Dims);
    }

    [Fact]
    public void Nodes_carry_the_attributes_that_select_onnx_runtime_nchwc_kernels()
    {
        var arch = new HourglassArchitecture(1, features: 16, joints: 16, inputHeight: 64, inputWidth: 64);
        var view = new OnnxModelView(HourglassOnnxExporter.ExportToBytes(arch, HourglassWeights.CreateRandom(arch, 5)));

        var stem = view.Nodes.Single(n => n.Name == "pre.0.conv");
        Assert.Equal([7L, 7], stem.Attributes["kernel_shape"].Ints(8));
        Assert.Equal([2L, 2], stem.Attributes["strides"].Ints(8));
        Assert.Equal([3L, 3, 3, 3], stem.Attributes["pads"].Ints(8));
        var conv2 = view.Nodes.Single(n => n.Name == "hgs.0.0.up1.conv2.conv");
        Assert.Equal([1L, 1, 1, 1], conv2.Attributes["pads"].Ints(8));
        Assert.All(view.Nodes.Where(n => n.OpType == "Conv"), n => Assert.Equal(3, n.Inputs.Count)); // with bias

        foreach (var resize in view.Nodes.Where(n => n.OpType == "Resize"))
        {
            Assert.Equal("nearest", resize.Attributes["mode"].String(4));
            Assert.Equal("asymmetric", resize.Attributes["coordinate_transformation_mode"].String(4));
            Assert.Equal("floor", resize.Attributes["nearest_mode"].String(4));
            Assert.Equal("", resize.Inputs[1]);
            Assert.Equal([4L], view.Initializers.Single(t => t.Name == resize.Inputs[2]).Dims);
        }
        foreach (var pool in view.Nodes.Where(n => n.OpType == "MaxPool"))
        {
            Assert.Equal([2L, 2], pool.Attributes["kernel_shape"].Ints(8));
            Assert.Equal([2L, 2], pool.Attributes["strides"].Ints(8));
        }
        // ONNX Runtime turns BatchNormalization into an NCHWc depthwise conv only when epsilon is given explicitly.
        Assert.All(view.Nodes.Where(n => n.OpType == "BatchNormalization"), n => Assert.Equal(0f, n.Attributes["epsilon"].One(2)!.Value.Float));
        // Every attribute states its type (field 20), as ONNX Runtime requires.
        Assert.All(view.Nodes.SelectMany(n => n.Attributes.Values), a => Assert.NotNull(a.Int(20)));
    }

    [Fact]
    public void Onnx_runtime_reports_the_input_and_output_names_types_and_shapes()
    {
        var arch = new HourglassArchitecture(2, features: 16, joints: 17, inputHeight: 128, inputWidth: 192);
        using var session = new InferenceSession(HourglassOnnxExporter.ExportToBytes(arch, HourglassWeights.CreateRandom(arch, 6)));

        Assert.Equal([HourglassOnnxExporter.InputName], session.InputNames);
        Assert.Equal([HourglassOnnxExporter.OutputName], session.OutputNames);
        var input = session.InputMetadata[HourglassOnnxExporter.InputName];
        Assert.Equal(typeof(float), input.ElementType);
        Assert.Equal([-1, 3, 128, 192], input.Dimensions);
        Assert.Equal(HourglassOnnxExporter.BatchDimension, input.SymbolicDimensions[0]);
        var heatmaps = session.OutputMetadata[HourglassOnnxExporter.OutputName];
        Assert.Equal(TensorElementType.Float, heatmaps.ElementDataType);
        Assert.Equal([-1, 2, 17, 32, 48], heatmaps.Dimensions);
        Assert.Equal(HourglassOnnxExporter.BatchDimension, heatmaps.SymbolicDimensions[0]);
        Assert.Equal("HourglassSimd", session.ModelMetadata.ProducerName);
        output.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}: input {string.Join("x", input.Dimensions)} ({string.Join(",", input.SymbolicDimensions)}), output {string.Join("x", heatmaps.Dimensions)}");
    }

    /// <summary>
    /// With all optimizations on an AVX2/AVX-512 CPU, ONNX Runtime runs the whole network in its NCHWc layout: every
    /// Conv, BatchNormalization (as depthwise conv + fused ReLU), pool and upsample rewritten, no layout reorders
    /// inside the network (kernel-notes §7.8: "confirm the NCHWc rewrite in the optimized model dump"). With a fixed
    /// batch it can also prove the shapes of every addition equal: no reshapes, and the merge additions fuse into
    /// their convolutions (what <c>OnnxRuntimeRunner</c> in bench/ uses).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Onnx_runtime_rewrites_the_whole_network_to_nchwc(bool fixedBatch)
    {
        if (!Avx2.IsSupported)
        {
            output.WriteLine("No AVX2: ONNX Runtime does not use NCHWc here; nothing to check.");
            return;
        }
        var arch = new HourglassArchitecture(2, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);
        var exportOptions = new OnnxExportOptions { Batch = fixedBatch ? 1 : null };
        string dump = Path.Combine(Path.GetTempPath(), $"hourglass-ort-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = dump })
            using (new InferenceSession(HourglassOnnxExporter.ExportToBytes(arch, HourglassWeights.CreateRandom(arch, 8), exportOptions), options))
            {
            }
            var optimized = new OnnxModelView(File.ReadAllBytes(dump));
            output.WriteLine($"optimized graph ({(fixedBatch ? "batch 1" : "batch N")}): " + string.Join(", ", optimized.Nodes
                .GroupBy(n => (n.Domain, n.OpType)).OrderBy(g => g.Key)
                .Select(g => $"{(g.Key.Domain.Length > 0 ? g.Key.Domain + "." : "")}{g.Key.OpType} {g.Count()}")));

            const string nchwc = "com.microsoft.nchwc";
            Assert.Equal(0, optimized.Count("Conv"));
            Assert.Equal(0, optimized.Count("BatchNormalization"));
            Assert.Equal(0, optimized.Count("Relu"));
            Assert.Equal(0, optimized.Count("Resize"));
            Assert.Equal(0, optimized.Count("MaxPool"));
            Assert.Equal(102 + 31, optimized.Count("Conv", nchwc)); // the convs plus one depthwise conv per batch norm
            Assert.Equal(4 * 2, optimized.Count("Upsample", nchwc));
            Assert.Equal(1 + 4 * 2, optimized.Count("MaxPool", nchwc));
            // Reorders only at the network's edges: the stem reads NCHW directly, and each stack's heatmaps go back to NCHW.
            Assert.Equal(0, optimized.Count("ReorderInput", nchwc));
            Assert.Equal(arch.Stacks, optimized.Count("ReorderOutput", nchwc));
            if (fixedBatch)
            {
                Assert.Equal(0, optimized.Count("Reshape"));
                Assert.Equal(4 * 2, optimized.Count("Add")); // only upper + upsample(lower); residual and merge additions fused into convs
            }
        }
        finally
        {
            File.Delete(dump);
        }
    }

    [Fact]
    public void File_export_is_deterministic_and_matches_the_summary()
    {
        var arch = new HourglassArchitecture(2, features: 8, joints: 16, inputHeight: 64, inputWidth: 64);
        var weights = HourglassWeights.CreateRandom(arch, 9);
        string path = Path.Combine(Path.GetTempPath(), $"hourglass-export-{Guid.NewGuid():N}.onnx");
        try
        {
            var summary = HourglassOnnxExporter.ExportToFile(arch, weights, path);
            byte[] file = File.ReadAllBytes(path);
            Assert.Equal(HourglassOnnxExporter.ExportToBytes(arch, weights), file);
            Assert.Equal(HourglassOnnxExporter.ExportToBytes(arch, weights.Fold(arch)), file); // trained and folded weights export alike
            Assert.Equal(file.Length, summary.Bytes);
            var view = new OnnxModelView(file);
            Assert.Equal(view.Nodes.Count, summary.Nodes);
            Assert.Equal(view.Initializers.Count, summary.Initializers);
            Assert.Equal(view.Nodes.Count, summary.OperatorCounts.Values.Sum());
            output.WriteLine(summary.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_fixed_batch_replaces_the_symbolic_dimension()
    {
        var arch = new HourglassArchitecture(1, features: 8, joints: 16, inputHeight: 64, inputWidth: 64);
        var view = new OnnxModelView(HourglassOnnxExporter.ExportToBytes(arch, HourglassWeights.CreateRandom(arch, 1), new OnnxExportOptions { Batch = 3 }));
        Assert.Equal(["3", "3", "64", "64"], view.Inputs.Single().Dims);
        Assert.Equal(["3", "1", "16", "16", "16"], view.Outputs.Single().Dims);
    }

    [Fact]
    public void Weights_of_another_architecture_are_rejected()
    {
        var arch = new HourglassArchitecture(1, features: 16, joints: 16, inputHeight: 64, inputWidth: 64);
        var other = new HourglassArchitecture(1, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);
        var error = Assert.Throws<WeightsMismatchException>(() => HourglassOnnxExporter.ExportToBytes(arch, HourglassWeights.CreateRandom(other, 1)));
        Assert.NotEmpty(error.Problems);
    }
}
