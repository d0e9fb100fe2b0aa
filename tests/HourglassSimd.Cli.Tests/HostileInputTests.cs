using System.Diagnostics;
using HourglassSimd.Cli.Tests.Support;
using HourglassSimd.Interop.Npy;
using HourglassSimd.IO;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// Issue 13 #5, #11, #13 and #14 end to end: outputs onto devices and FIFOs, endless and special inputs, FIFOs among
/// the images, non-finite outputs, and annotation paths that leave the image folder.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _model;
    private readonly string _image;
    private readonly string _npy;

    public HostileInputTests()
    {
        _model = TestModel.Write(_temp.File("model.hgw"));
        _image = TestImages.WritePng(_temp.File("person.png"), 64, 64);
        _npy = _temp.File("x.npy");
        NpyWriter.Write(_npy, new NpyArray([1, 3, 64, 64], [.. Enumerable.Range(0, 3 * 64 * 64).Select(i => i % 7 / 7f)]));
    }

    public void Dispose() => _temp.Dispose();

    private string Annotations(string imgPaths = "person.png")
    {
        string joints = string.Join(", ", Enumerable.Range(0, 16).Select(j => $"[{10 + j}, {20 + j}, 1]"));
        string path = _temp.File("annotations.json");
        File.WriteAllText(path, $$"""
            [{"img_paths": "{{imgPaths}}", "objpos": [32, 30], "scale_provided": 0.2, "isValidation": 1,
              "head_rect": [10, 10, 30, 30], "joint_self": [{{joints}}]}]
            """);
        return path;
    }

    private static CliRun Timed(TimeSpan limit, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        var run = HourglassCli.Run(arguments);
        Assert.True(clock.Elapsed < limit, $"hourglass {string.Join(' ', arguments)} took {clock.Elapsed}");
        return run;
    }

    /// <summary>Every command that writes a file refuses a FIFO as its output, at once, and leaves it a FIFO.</summary>
    [UnixFileSystemFact]
    public void Outputs_onto_a_fifo_are_refused_and_the_fifo_stays()
    {
        string checkpoint = _temp.Write("ckpt.dat", SyntheticCheckpoints.TorchSharpBytes(SyntheticCheckpoints.Tensors(TestModel.Architecture)));
        string fifo = SpecialFiles.MakeFifo(_temp.File("out.fifo"));
        string[][] commands =
        [
            ["convert-weights", "--checkpoint", checkpoint, "--out", fifo, "--input-size", "64"],
            ["run", "--model", _model, "--input", _npy, "--output", fifo, "--threads", "1"],
            ["infer", "--model", _model, _image, "--json", fifo, "--out", _temp.File("overlays"), "--threads", "1"],
            ["eval", "--model", _model, "--annotations", Annotations(), "--images", _temp.Path, "--csv", fifo, "--threads", "1"],
            ["export-onnx", "--model", _model, "--out", fifo],
        ];
        foreach (var command in commands)
        {
            var run = Timed(TimeSpan.FromSeconds(60), command);
            HourglassCli.AssertFails(run, $"'{fifo}' is a FIFO (named pipe), not a regular file; refusing to replace it.");
            Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        }
    }

    /// <summary>As root, convert-weights --out /dev/null replaced the device node with a regular file.</summary>
    [UnixFileSystemFact]
    public void Convert_weights_onto_a_device_is_refused()
    {
        string checkpoint = _temp.Write("ckpt.dat", SyntheticCheckpoints.TorchSharpBytes(SyntheticCheckpoints.Tensors(TestModel.Architecture)));
        var run = HourglassCli.Run("convert-weights", "--checkpoint", checkpoint, "--out", SpecialFiles.NullDevice, "--input-size", "64");
        HourglassCli.AssertFails(run, "'/dev/null' is a character device, not a regular file; refusing to replace it.");
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(SpecialFiles.NullDevice));
    }

    /// <summary>/dev/zero as the model read for over 30 s; as annotations or boxes it grew to 2.1 and 4.1 GB.</summary>
    [UnixFileSystemFact]
    public void Endless_devices_as_inputs_fail_at_once_with_one_line()
    {
        string zero = SpecialFiles.ZeroDevice;
        var cases = new (string[] Arguments, string Expected)[]
        {
            (["run", "--model", zero, "--input", _npy, "--output", _temp.File("y.npy")], "/dev/zero: a character device, not a model file."),
            (["infer", "--model", zero, _image], "/dev/zero: a character device, not a model file."),
            (["run", "--model", _model, "--input", zero, "--output", _temp.File("y.npy")], "'/dev/zero' is a character device, not a .npy file."),
            (["convert-weights", "--checkpoint", zero, "--out", _temp.File("m.hgw")], "'/dev/zero' is a character device, not a checkpoint file."),
            (["eval", "--model", _model, "--annotations", zero, "--images", _temp.Path], "'/dev/zero' is a character device, not an annotation file."),
            (["infer", "--model", _model, _image, "--boxes", zero], "boxes file '/dev/zero' is a character device, not a JSON file."),
        };
        foreach (var (arguments, expected) in cases)
            HourglassCli.AssertFails(Timed(TimeSpan.FromSeconds(30), arguments), expected);
    }

    /// <summary>A FIFO among the images blocked infer for ever; now it is skipped with one line and the rest is done.</summary>
    [UnixFileSystemFact]
    public void A_fifo_in_the_image_folder_is_skipped()
    {
        string folder = _temp.Folder("photos");
        TestImages.WritePng(Path.Combine(folder, "a.png"), 64, 64);
        SpecialFiles.MakeFifo(Path.Combine(folder, "pipe.png"));
        var run = Timed(TimeSpan.FromSeconds(60), "infer", "--model", _model, folder, "--threads", "1", "--progress", "None");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("skipped: pipe.png: a FIFO (named pipe), not a regular file; not opened.", run.Error, StringComparison.Ordinal);
        Assert.Contains("1 of 2 images done", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Finite weights that overflow: convolutions at the end of the stack scaled by 1e30 make every heatmap value
    /// infinite or NaN. run and infer wrote them with exit code 0; now they warn on one line and exit with 3.
    /// </summary>
    [Fact]
    public void Non_finite_outputs_are_flagged_with_exit_code_3()
    {
        var arch = TestModel.Architecture;
        var weights = HourglassWeights.CreateRandom(arch, seed: 7);
        var scaled = new HourglassWeights(weights.Tensors.Values.Select(t => new WeightTensor(t.Name, [.. t.Shape],
            t.Name.StartsWith("features.0.1.conv", StringComparison.Ordinal) || t.Name == "outs.0.conv.weight" ? [.. t.Data.Select(v => v * 1e30f)] : t.Data)));
        Assert.All(scaled.Tensors.Values, t => Assert.All(t.Data, v => Assert.True(float.IsFinite(v))));
        string huge = _temp.File("huge.hgw");
        new HourglassModelFile(arch, scaled).Save(huge);

        string output = _temp.File("heatmaps.npy");
        var run = HourglassCli.Run("run", "--model", huge, "--input", _npy, "--output", output, "--threads", "1");
        Assert.True(run.ExitCode == 3, run.ToString());
        int values = arch.Stacks * arch.Joints * 16 * 16;
        Assert.Equal($"warning: {values} of {values} heatmap values are NaN or infinite: the model's outputs overflow (its weights are broken); they are written as they are.",
            run.Error.Trim());
        Assert.All(NpyReader.Read(output).Data, v => Assert.False(float.IsFinite(v)));

        var infer = HourglassCli.Run("infer", "--model", huge, _image, "--out", _temp.File("poses"), "--threads", "1");
        Assert.True(infer.ExitCode == 3, infer.ToString());
        Assert.Contains("warning: 1 of 1 person has a NaN or infinite keypoint or score", infer.Error, StringComparison.Ordinal);

        // The same input through the unscaled model: finite, exit 0.
        Assert.Equal(0, HourglassCli.Run("run", "--model", _model, "--input", _npy, "--output", output, "--threads", "1").ExitCode);
    }

    [Fact]
    public void Eval_refuses_image_paths_that_leave_the_image_folder()
    {
        string annotations = Annotations(imgPaths: _image); // absolute: it exists, but outside the rules
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _temp.Path),
            "annotations.json: record 0, field 'img_paths': '" + _image + "' leaves the image folder");
    }
}
