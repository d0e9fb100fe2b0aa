using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// 3x3 stride-1 pad-1 depthwise convolution between u8 channel-last maps (a depthwise network's conv2 in an int8
/// model): <c>acc[c] = start[c] + Σ_taps x[c] · w[c, tap]</c> with <c>start[c] = bias_q[c] − x_zp · Σ w[c]</c>
/// (<see cref="Quantization.Requantization.StartValue"/>; the input's halo holds x_zp, so a tap outside the map adds
/// exactly what the start value takes away), then <see cref="Quantization.Requantization.ToUInt8(int, float, int, bool)"/>.
/// Integer sums are exact, so it equals <see cref="QuantizedReferenceKernels.Depthwise3x3"/> bit for bit.
/// </summary>
/// <remarks>
/// Lanes are channels, as in the float kernel (<see cref="DepthwiseConv3x3"/>): per 16 channels and pixel, 9 loads of
/// 16 bytes widened to int32, 18 multiply-adds on two vectors of 8, and one requantization. Work items are output rows.
/// </remarks>
internal static unsafe class Int8DepthwiseConv3x3
{
    public static int ItemCount(in Int8DepthwiseArgs a) => a.Height;

    /// <summary>Output row <paramref name="y"/>, every channel group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunItem(in Int8DepthwiseArgs a, int y)
    {
        var zeroPoint = Vector256.Create((float)a.OutputZeroPoint);
        var low = Vector256.Create(a.Relu ? (float)a.OutputZeroPoint : 0f);
        var high = Vector256.Create(255f);
        nint r1 = a.InRowStride, r2 = 2 * a.InRowStride, p1 = a.PixelStride, p2 = 2 * a.PixelStride;
        for (int g = 0; g < a.Groups; g++)
        {
            int c = g * 16;
            int* w = a.Weights + c * 9; // [group][tap][16]
            Vector256<int> start0 = Vector256.Load(a.StartValues + c), start1 = Vector256.Load(a.StartValues + c + 8);
            Vector256<float> m0 = Vector256.Load(a.Multipliers + c), m1 = Vector256.Load(a.Multipliers + c + 8);
            byte* input = a.Input + y * a.InRowStride + c;
            byte* output = a.Output + y * a.OutRowStride + c;
            for (int x = 0; x < a.Width; x++, input += a.PixelStride, output += a.OutPixelStride)
            {
                Vector256<int> s0 = start0, s1 = start1;
                Tap(input, w, 0, ref s0, ref s1);
                Tap(input + p1, w, 1, ref s0, ref s1);
                Tap(input + p2, w, 2, ref s0, ref s1);
                Tap(input + r1, w, 3, ref s0, ref s1);
                Tap(input + r1 + p1, w, 4, ref s0, ref s1);
                Tap(input + r1 + p2, w, 5, ref s0, ref s1);
                Tap(input + r2, w, 6, ref s0, ref s1);
                Tap(input + r2 + p1, w, 7, ref s0, ref s1);
                Tap(input + r2 + p2, w, 8, ref s0, ref s1);
                Vector256<short> packed = Vector256.Narrow(
                    Requantize(s0, m0, zeroPoint, low, high), Requantize(s1, m1, zeroPoint, low, high));
                Vector256.Narrow(packed, packed).AsByte().GetLower().Store(output); // values 0..255: truncation keeps them
            }
        }
    }

    /// <summary>Adds the 16 input bytes at <paramref name="p"/> times tap <paramref name="tap"/>'s weights to the two accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(byte* p, int* w, int tap, ref Vector256<int> s0, ref Vector256<int> s1)
    {
        Vector256<ushort> words = Vector256.WidenLower(Vector256.Create(Vector128.Load(p), Vector128<byte>.Zero));
        s0 += Vector256.WidenLower(words).AsInt32() * Vector256.Load(w + tap * 16);
        s1 += Vector256.WidenUpper(words).AsInt32() * Vector256.Load(w + tap * 16 + 8);
    }

    /// <summary><see cref="Quantization.Requantization.ToUInt8(int, float, int, bool)"/> of 8 accumulators, as int32 in 0..255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Requantize(Vector256<int> acc, Vector256<float> multiplier, Vector256<float> zeroPoint, Vector256<float> low,
        Vector256<float> high)
    {
        Vector256<float> v = Vector256.Round(Vector256.ConvertToSingle(acc) * multiplier) + zeroPoint; // Round is to nearest, ties to even
        return Vector256.ConvertToInt32Native(Vector256.Min(Vector256.Max(v, low), high)); // an integer in range: truncation is exact
    }
}

/// <summary>One image's arguments for <see cref="Int8DepthwiseConv3x3"/>.</summary>
internal unsafe struct Int8DepthwiseArgs
{
    /// <summary>The input at its padded origin (row −1, column −1): the halo, filled with the input's zero point, is read as padding.</summary>
    public byte* Input;
    public nint InRowStride;
    /// <summary>Bytes from one pixel to the next, in the input and (<see cref="OutPixelStride"/>) the output: the channels padded to 16.</summary>
    public nint PixelStride;
    public byte* Output;
    public nint OutRowStride;
    public nint OutPixelStride;
    public int Height;
    public int Width;
    /// <summary>Groups of 16 channels.</summary>
    public int Groups;
    /// <summary>[group][tap][16] weights widened to int32 (0 in padding channels).</summary>
    public int* Weights;
    public int* StartValues;
    public float* Multipliers;
    public int OutputZeroPoint;
    public bool Relu;
}
