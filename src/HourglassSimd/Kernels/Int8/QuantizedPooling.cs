using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// The hourglass's two data-movement operations on quantized channel-last u8 maps (<see cref="QuantizedMapArgs"/>):
/// 2x2 max pooling, and the nearest 2x upsampling of the lower branch added to the upper one, requantized to the
/// output's scale. Work items are output rows. Scalar equivalents: <see cref="QuantizedReferenceKernels.MaxPool2x2"/>
/// and <see cref="QuantizedReferenceKernels.UpsampleAdd"/>.
/// </summary>
internal static unsafe class QuantizedPooling
{
    /// <summary>
    /// 2x2 stride-2 max pooling: output and input share scale and zero point, and quantization is monotonic, so the
    /// max of the quantized values is the quantized max, exactly (ONNX <c>MaxPool</c> on u8).
    /// </summary>
    public static void MaxPool2x2Row(in QuantizedMapArgs a, int row)
    {
        byte* top = a.Input + 2 * row * a.InRowStride, bottom = top + a.InRowStride;
        byte* o = a.Output + row * a.OutRowStride;
        for (int x = 0; x < a.Width; x++, o += a.OutPixelStride)
        {
            byte* t = top + 2 * x * a.InPixelStride, b = bottom + 2 * x * a.InPixelStride;
            int c = 0;
            for (; c + 32 <= a.Channels; c += 32)
            {
                var m = Vector256.Max(Vector256.Load(t + c), Vector256.Load(t + a.InPixelStride + c));
                m = Vector256.Max(m, Vector256.Max(Vector256.Load(b + c), Vector256.Load(b + a.InPixelStride + c)));
                m.Store(o + c);
            }
            for (; c < a.Channels; c++)
                o[c] = Math.Max(Math.Max(t[c], t[a.InPixelStride + c]), Math.Max(b[c], b[a.InPixelStride + c]));
        }
    }

    /// <summary>
    /// <c>y = requantize(skip) + requantize(nearest-2x(low))</c> for one output row (<see cref="QuantizedMapArgs.Input"/>
    /// is the lower branch at half the size, <see cref="QuantizedMapArgs.Skip"/> the upper branch at full size), as
    /// <see cref="Quantization.Requantization.AddToUInt8"/> states it.
    /// </summary>
    public static void UpsampleAddRow(in QuantizedMapArgs a, int row)
    {
        byte* low = a.Input + (row >> 1) * a.InRowStride;
        byte* skip = a.Skip + row * a.SkipRowStride;
        byte* o = a.Output + row * a.OutRowStride;
        var adder = new Adder(a);
        for (int x = 0; x < a.Width; x++, o += a.OutPixelStride, skip += a.SkipPixelStride)
        {
            byte* l = low + (x >> 1) * a.InPixelStride;
            int c = 0;
            for (; c + 8 <= a.Channels; c += 8)
                adder.Add8(l + c, skip + c, o + c);
            for (; c < a.Channels; c++)
                o[c] = Quantization.Requantization.AddToUInt8(l[c], a.InputZeroPoint, a.InputMultiplier, skip[c], a.SkipZeroPoint, a.SkipMultiplier, a.OutputZeroPoint);
        }
    }

    /// <summary><see cref="Quantization.Requantization.AddToUInt8"/> for 8 channels at once, in the same float operations.</summary>
    private readonly struct Adder(in QuantizedMapArgs a)
    {
        private readonly Vector256<float> inputZero = Vector256.Create((float)a.InputZeroPoint), inputMultiplier = Vector256.Create(a.InputMultiplier);
        private readonly Vector256<float> skipZero = Vector256.Create((float)a.SkipZeroPoint), skipMultiplier = Vector256.Create(a.SkipMultiplier);
        private readonly Vector256<float> outputZero = Vector256.Create((float)a.OutputZeroPoint), high = Vector256.Create(255f);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add8(byte* low, byte* skip, byte* output)
        {
            Vector256<float> l = Widen(low) - inputZero, s = Widen(skip) - skipZero;
            Vector256<float> v = Vector256.FusedMultiplyAdd(l, inputMultiplier, s * skipMultiplier);
            v = Vector256.Min(Vector256.Max(Vector256.Round(v) + outputZero, Vector256<float>.Zero), high);
            Vector256<int> i = Vector256.ConvertToInt32(v);
            Vector128<short> words = Vector128.Narrow(i.GetLower(), i.GetUpper());
            Vector128.Narrow(words, words).AsByte().GetLower().Store(output);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Widen(byte* p)
        {
            Vector128<ushort> words = Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsByte());
            return Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(words), Vector128.WidenUpper(words)).AsInt32());
        }
    }
}
