using HourglassSimd.TestSupport;
using HourglassSimd.Cli.Tests.Support;

namespace HourglassSimd.Cli.Tests;

/// <summary>Expected failures end with exit code 1 and one 'error:' line on stderr, never a stack trace.</summary>
public sealed class CommandErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _model;
    private readonly string _image;

    public CommandErrorTests()
    {
        _model = TestModel.Write(_temp.Combine("model.hgw"));
        _image = TestImages.WritePng(_temp.Combine("person.png"), 64, 64);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Missing_model() =>
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _temp.Combine("nope.hgw"), _image), "model '" + _temp.Combine("nope.hgw") + "' does not exist");

    [Fact]
    public void Model_path_that_is_a_folder() =>
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _temp.Path, _image), "is a folder, not a model file");

    [Fact]
    public void File_that_is_not_a_model()
    {
        string notModel = _temp.Combine("notes.hgw");
        File.WriteAllText(notModel, "just some text");
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", notModel, _image), "not an HourglassSimd model file");
    }

    [Fact]
    public void Corrupt_model_fails_its_checksum()
    {
        string corrupt = _temp.Combine("corrupt.hgw");
        byte[] bytes = File.ReadAllBytes(_model);
        bytes[bytes.Length / 2] ^= 0x40; // one bit in the tensor data
        File.WriteAllBytes(corrupt, bytes);
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", corrupt, _image), "checksum");
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", corrupt, "--annotations", WriteAnnotations(), "--images", _temp.Path), "checksum");
    }

    [Fact]
    public void Truncated_model()
    {
        string truncated = _temp.Combine("truncated.hgw");
        byte[] bytes = File.ReadAllBytes(_model);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", truncated, _image), "truncated");
    }

    [Fact]
    public void Missing_input_image_or_folder() =>
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, _temp.Combine("missing")), "input '" + _temp.Combine("missing") + "' does not exist");

    [Fact]
    public void Folder_without_images()
    {
        string empty = _temp.Folder("empty");
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no images here");
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, empty), "holds no image");
    }

    [Theory]
    [InlineData("1,2,3", "is not x,y,w,h")]
    [InlineData("1,2,3,4,5", "is not x,y,w,h")]
    [InlineData("1,2,a,4", "is not x,y,w,h")]
    [InlineData("1;2;3;4", "is not x,y,w,h")]
    [InlineData("1,2,0,4", "width and height must be greater than 0")]
    [InlineData("1,2,30,-4", "width and height must be greater than 0")]
    [InlineData("1,2,NaN,4", "is not x,y,w,h")]
    public void Bad_box_syntax(string box, string expected)
    {
        var run = HourglassCli.Run("infer", "--model", _model, _image, "--box", "10,10,20,20", "--box", box);
        HourglassCli.AssertFails(run, $"--box '{box}'");
        Assert.Contains(expected, run.Error);
    }

    [Fact]
    public void Box_and_boxes_file_together()
    {
        string boxes = _temp.Combine("boxes.json");
        File.WriteAllText(boxes, """{"person.png": [[1, 2, 30, 40]]}""");
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, _image, "--box", "1,2,30,40", "--boxes", boxes), "not both");
    }

    [Theory]
    [InlineData("""{"person.png": [[1, 2, 30]]}""", "\"person.png\"[0]: expected [x, y, w, h]")]
    [InlineData("""{"person.png": [[1, 2, 0, 40]]}""", "width and height must be greater than 0")]
    [InlineData("""[{"image_id": 7, "bbox": [1, 2, 30, 40]}]""", "record 0: \"image_id\" must be the image's file name")]
    [InlineData("""{"person.png": [[1, 2, 30, 40]""", "not valid JSON")]
    [InlineData("42", "expected an object")]
    public void Bad_boxes_file(string content, string expected)
    {
        string boxes = _temp.Combine("boxes.json");
        File.WriteAllText(boxes, content);
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, _image, "--boxes", boxes), expected);
    }

    [Fact]
    public void Flip_and_no_flip_together() =>
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, _image, "--flip", "--no-flip"), "contradict");

    [Fact]
    public void Threads_below_one() =>
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, _image, "--threads", "0"), "--threads is 0");

    /// <summary>A thread count far above the processor count is refused at once by every command (10,000 once made a run crawl).</summary>
    [Theory]
    [InlineData("infer")]
    [InlineData("eval")]
    [InlineData("bench")]
    [InlineData("run")]
    public void Threads_above_the_cap(string command)
    {
        string[] rest = command switch
        {
            "infer" => ["--model", _model, _image],
            "eval" => ["--model", _model, "--annotations", WriteAnnotations(), "--images", _temp.Path],
            "run" => ["--model", _model, "--input", _temp.Combine("x.npy"), "--output", _temp.Combine("y.npy")],
            _ => ["--stacks", "1", "--features", "16"],
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HourglassCli.AssertFails(HourglassCli.Run([command, .. rest, "--threads", "10000"]), "--threads is 10000; it must be from 1 to");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    /// <summary>bench once threw unhandled exceptions for these (a 100032-pixel side, a million images per batch).</summary>
    [Theory]
    [InlineData("--size", "100032", "--size 100032: input size 100032x100032 is not supported")]
    [InlineData("--batch", "1000000", "--batch is 1000000; it must be from 1 to")]
    [InlineData("--batch", "0", "--batch is 0; it must be from 1 to")]
    public void Bench_out_of_range_sizes(string option, string value, string expected) =>
        HourglassCli.AssertFails(HourglassCli.Run("bench", "--stacks", "1", "--features", "16", option, value), expected);

    /// <summary>No output may replace an input: run's --output, infer's --json, and overlays in the input folder.</summary>
    [Fact]
    public void Outputs_never_replace_inputs()
    {
        string input = _temp.Combine("x.npy");
        HourglassSimd.Interop.Npy.NpyWriter.Write(input, new HourglassSimd.Interop.Npy.NpyArray([1, 3, 64, 64], new float[3 * 64 * 64]));
        byte[] modelBytes = File.ReadAllBytes(_model), inputBytes = File.ReadAllBytes(input);
        HourglassCli.AssertFails(HourglassCli.Run("run", "--model", _model, "--input", input, "--output", _model), "is an input of this run");
        HourglassCli.AssertFails(HourglassCli.Run("run", "--model", _model, "--input", input, "--output", input), "is an input of this run");
        Assert.Equal(modelBytes, File.ReadAllBytes(_model));
        Assert.Equal(inputBytes, File.ReadAllBytes(input));

        byte[] imageBytes = File.ReadAllBytes(_image);
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, _image, "--json", _image), "choose another --json");
        Assert.Equal(imageBytes, File.ReadAllBytes(_image));

        // A folder holding a.png and an earlier overlay a.pose.png, used as its own --out.
        string folder = _temp.Folder("photos");
        string a = TestImages.WritePng(Path.Combine(folder, "a.png"), 64, 64);
        string earlier = TestImages.WritePng(Path.Combine(folder, "a.pose.png"), 64, 64, seed: 9);
        byte[] earlierBytes = File.ReadAllBytes(earlier);
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, folder, "--out", folder), "would replace the input");
        Assert.Equal(earlierBytes, File.ReadAllBytes(earlier));
    }

    /// <summary>An absurd number of people for one image is refused before any work (180,000 once crashed infer).</summary>
    [Fact]
    public void Too_many_people_per_image()
    {
        string boxes = _temp.Combine("crowd.json");
        string box = "[1, 1, 10, 10]";
        File.WriteAllText(boxes, $"{{\"{Path.GetFileName(_image)}\": [{string.Join(", ", Enumerable.Repeat(box, 10_001))}]}}");
        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, _image, "--boxes", boxes), "more than 10000 boxes for one image");
    }

    [Fact]
    public void Eval_missing_image_folder() =>
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _model, "--annotations", WriteAnnotations(), "--images", _temp.Combine("no-images")),
            "image folder '" + _temp.Combine("no-images") + "' does not exist");

    [Fact]
    public void Eval_missing_model() =>
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _temp.Combine("nope.hgw"), "--annotations", WriteAnnotations(), "--images", _temp.Path), "does not exist");

    [Fact]
    public void Eval_missing_annotations() =>
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _model, "--annotations", _temp.Combine("nope.json"), "--images", _temp.Path), "annotations '");

    [Fact]
    public void Eval_malformed_annotations()
    {
        string annotations = _temp.Combine("bad.json");
        File.WriteAllText(annotations, """[{"img_paths": "person.png", "objpos": [10, 10], "scale_provided": 0.3, "isValidation": 1}]""");
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _temp.Path), "joint_self");
    }

    [Fact]
    public void Eval_without_validation_records() =>
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _model, "--annotations", WriteAnnotations(isValidation: false), "--images", _temp.Path),
            "none of its 1 records is marked isValidation");

    [Fact]
    public void Unparsable_option_value_is_one_line_on_stderr()
    {
        var run = HourglassCli.Run("infer", "--model", _model, _image, "--threads", "many");
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'many'", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    private string WriteAnnotations(bool isValidation = true)
    {
        string path = _temp.Combine(isValidation ? "annotations.json" : "train-only.json");
        string joints = string.Join(", ", Enumerable.Range(0, 16).Select(j => $"[{10 + j}, {20 + j}, 1]"));
        File.WriteAllText(path, $$"""
            [{"img_paths": "person.png", "objpos": [32, 30], "scale_provided": 0.2, "isValidation": {{(isValidation ? 1 : 0)}},
              "head_rect": [10, 10, 30, 30], "joint_self": [{{joints}}]}]
            """);
        return path;
    }
}
