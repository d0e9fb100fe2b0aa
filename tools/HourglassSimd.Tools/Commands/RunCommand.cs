using System.CommandLine;
using System.Diagnostics;
using HourglassSimd.IO;
using HourglassSimd.Tools.Pose;
using System.Numerics.Tensors;
using HourglassSimd.Interop.Npy;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass run</c>: runs an <c>.hgw</c> model on a float32 NumPy array of images <c>[N, 3, H, W]</c> and writes every
/// stack's heatmaps <c>[N, stacks, joints, H/4, W/4]</c> as <c>.npy</c>. H and W are any multiples of 64, whatever
/// the model's default input size. An interrupt stops it between images, with exit code 130 and no output file.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file (.hgw) from convert-weights.", Required = true };
        var input = new Option<string>("--input") { Description = "Input images: .npy, float32 '<f4', C order, shape [N, 3, H, W] (H, W multiples of 64), already normalized.", Required = true };
        var output = new Option<string>("--output") { Description = "Heatmaps to write: .npy, float32, shape [N, stacks, joints, H/4, W/4].", Required = true };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("run", """
            Runs a model on network input read from a .npy file and writes all stacks' heatmaps to a .npy file. The input
            values are fed as they are: apply the model's normalization ((pixel/255 - mean) / std, RGB) beforehand.
            Ctrl+C (or SIGTERM) stops after the image in progress and writes nothing (exit code 130).
            Example: hourglass run --model posenet.hgw --input images.npy --output heatmaps.npy --threads 2
            """)
        {
            model, input, output, threads,
        };
        command.SetAction(result => CliErrors.Run(cancellation => Execute(
            result.GetValue(model)!, result.GetValue(input)!, result.GetValue(output)!, result.GetValue(threads), cancellation)));
        return command;
    }

    private static int Execute(string modelPath, string inputPath, string outputPath, int threads, CancellationToken cancellation)
    {
        ThreadCount.Check(threads);
        string output = Path.GetFullPath(outputPath);
        if (output == Path.GetFullPath(modelPath) || output == Path.GetFullPath(inputPath))
            throw new ArgumentException($"--output {outputPath} is an input of this run (--model or --input); choose another file.");
        AtomicFile.RefuseNonRegular(outputPath);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"model '{modelPath}' does not exist.", modelPath);
        var clock = Stopwatch.StartNew();
        var file = HourglassModelFile.Load(modelPath);
        var arch = file.Architecture;
        var images = NpyReader.Read(inputPath);
        const string expected = "(N, 3, H, W) with N >= 1 and H, W multiples of 64 (NCHW)";
        if (images.Shape.Length != 4)
            throw new NpyFormatException(inputPath, $"shape {NpyArray.FormatShape(images.Shape)} has rank {images.Shape.Length}; the model expects rank 4: {expected}.");
        if (images.Shape[0] < 1 || images.Shape[1] != 3)
            throw new NpyFormatException(inputPath, $"shape {NpyArray.FormatShape(images.Shape)} does not fit the model, which expects {expected}.");
        int height = images.Shape[2], width = images.Shape[3];
        if (height < 64 || height % 64 != 0 || width < 64 || width % 64 != 0)
            throw new NpyFormatException(inputPath, $"shape {NpyArray.FormatShape(images.Shape)}: image size {height}x{width} is not supported; the model expects {expected} (its default size is {arch.InputHeight}x{arch.InputWidth}).");
        var loadTime = clock.Elapsed;

        using var network = file.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = threads });
        int batch = images.Shape[0];
        var start = clock.Elapsed;
        // One image per Run (the same arithmetic as one batched Run), so that an interrupt is noticed between images.
        var heatmaps = new float[network.OutputLength(batch, height, width)];
        if (!TensorPrimitives.IsFiniteAll(images.Data))
            network.Run(images.Data, height, width, heatmaps); // throws before any work, naming the image, channel, row and column
        int inSize = 3 * height * width, outSize = heatmaps.Length / batch;
        for (int n = 0; n < batch; n++)
        {
            if (cancellation.IsCancellationRequested)
            {
                Console.Error.WriteLine($"interrupted: {n} of {batch} image(s) run; {outputPath} not written");
                return ExitCodes.Interrupted;
            }
            network.Run(images.Data.AsSpan(n * inSize, inSize), height, width, heatmaps.AsSpan(n * outSize, outSize));
        }
        var runTime = clock.Elapsed - start;
        var result = new NpyArray([batch, arch.Stacks, arch.Joints, height / HourglassArchitecture.OutputStride, width / HourglassArchitecture.OutputStride], heatmaps);
        NpyWriter.Write(outputPath, result);

        Console.WriteLine($"model   {modelPath}: {arch}; input normalization {file.Normalization}");
        Console.WriteLine($"input   {inputPath}: float32 {NpyArray.FormatShape(images.Shape)}");
        Console.WriteLine($"output  {outputPath}: float32 {NpyArray.FormatShape(result.Shape)} (images, stacks, joints, height, width)");
        Console.WriteLine($"time    load {loadTime.TotalSeconds:F2} s; run {runTime.TotalMilliseconds:F0} ms for {batch} image(s) " +
                          $"({runTime.TotalMilliseconds / batch:F0} ms each; {network.ThreadCount} thread(s), {network.Isa})");
        // The network checks that its input is finite, not its output: weights that overflow give NaN or infinity.
        long nonFinite = heatmaps.LongCount(v => !float.IsFinite(v));
        if (nonFinite > 0)
        {
            Console.Error.WriteLine($"warning: {nonFinite} of {heatmaps.LongLength} heatmap values are NaN or infinite: the model's outputs overflow " +
                                    "(its weights are broken); they are written as they are.");
            return ExitCodes.NonFiniteOutput;
        }
        return ExitCodes.Success;
    }
}
