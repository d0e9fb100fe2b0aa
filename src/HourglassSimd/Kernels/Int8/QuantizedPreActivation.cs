using System.Runtime.Intrinsics;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// A residual module's opening batch norm + ReLU on a quantized map (the module input stays as it is: it is also the
/// shortcut): per channel c, <c>y = relu(scale[c] · x + shift[c])</c> in real terms, computed on the quantized values
/// as <see cref="Quantization.Requantization.ScaleShiftReluToUInt8"/> states it. Work items are rows. Scalar
/// equivalent: <see cref="QuantizedReferenceKernels.PreActivation"/>.
/// </summary>
internal static unsafe class QuantizedPreActivation
{
    /// <summary>
    /// One row of <see cref="QuantizedMapArgs.Width"/> pixels; <paramref name="multipliers"/> and <paramref name="offsets"/>
    /// hold <see cref="QuantizedMapArgs.Channels"/> values, rounded up to a multiple of 8 (the tail's values are read
    /// but their results are not stored).
    /// </summary>
    public static void Row(in QuantizedMapArgs a, float* multipliers, float* offsets, int row)
    {
        byte* x = a.Input + row * a.InRowStride;
        byte* o = a.Output + row * a.OutRowStride;
        var inputZero = Vector256.Create((float)a.InputZeroPoint);
        var outputZero = Vector256.Create((float)a.OutputZeroPoint);
        var high = Vector256.Create(255f);
        int whole = a.Channels & ~7;
        for (int p = 0; p < a.Width; p++, x += a.InPixelStride, o += a.OutPixelStride)
        {
            for (int c = 0; c < whole; c += 8)
            {
                Vector256<float> v = Vector256.FusedMultiplyAdd(Widen(x + c) - inputZero, Vector256.Load(multipliers + c), Vector256.Load(offsets + c));
                // ReLU is the clamp at the output zero point (real 0).
                v = Vector256.Min(Vector256.Max(Vector256.Round(v) + outputZero, outputZero), high);
                Vector256<int> i = Vector256.ConvertToInt32(v);
                Vector128<short> words = Vector128.Narrow(i.GetLower(), i.GetUpper());
                Vector128.Narrow(words, words).AsByte().GetLower().Store(o + c);
            }
            for (int c = whole; c < a.Channels; c++)
                o[c] = Quantization.Requantization.ScaleShiftReluToUInt8(x[c], a.InputZeroPoint, multipliers[c], offsets[c], a.OutputZeroPoint);
        }
    }

    private static Vector256<float> Widen(byte* p)
    {
        Vector128<ushort> words = Vector128.WidenLower(Vector128.CreateScalarUnsafe(*(ulong*)p).AsByte());
        return Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(words), Vector128.WidenUpper(words)).AsInt32());
    }
}
