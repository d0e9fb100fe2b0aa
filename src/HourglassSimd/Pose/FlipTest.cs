using System.Numerics.Tensors;

namespace HourglassSimd.Pose;

/// <summary>
/// Flip-test helpers (hourglass-spec §3.1): the heatmaps of the horizontally mirrored crop are mirrored back
/// (column j → width − 1 − j), their left/right channels swapped with the layout's flip permutation, and averaged
/// with the heatmaps of the unmirrored crop: <c>out[j] = (a[j] + mirror(b[perm[j]])) / 2</c>. No one-pixel shift is
/// applied (the reference code applies none; the crop is mirrored exactly about its centre, see
/// <see cref="CropSampler"/>).
/// </summary>
public static class FlipTest
{
    /// <summary>Mirrors heatmaps of the flipped crop back into the unflipped frame: <c>destination[j] = mirror(flipped[permutation[j]])</c>.</summary>
    /// <param name="flipped">Heatmaps <c>[joints, height, width]</c> of the mirrored crop.</param>
    /// <param name="width">Heatmap width.</param>
    /// <param name="height">Heatmap height.</param>
    /// <param name="permutation">Joint permutation (an involution), e.g. <see cref="JointLayout.FlipPermutation"/>; its length is the joint count.</param>
    /// <param name="destination">Output, same shape; must not overlap <paramref name="flipped"/>.</param>
    /// <exception cref="ArgumentException">A length does not match, or the permutation is not a permutation.</exception>
    public static void MirrorBack(ReadOnlySpan<float> flipped, int width, int height, ReadOnlySpan<int> permutation, Span<float> destination)
    {
        int plane = CheckShapes(flipped.Length, width, height, permutation, destination.Length, nameof(flipped));
        for (int j = 0; j < permutation.Length; j++)
        {
            var source = flipped.Slice(permutation[j] * plane, plane);
            var target = destination.Slice(j * plane, plane);
            for (int y = 0; y < height; y++)
            {
                var row = target.Slice(y * width, width);
                source.Slice(y * width, width).CopyTo(row);
                row.Reverse();
            }
        }
    }

    /// <summary>Averages heatmaps with the mirrored-back heatmaps of the flipped crop: <c>destination[j] = (heatmaps[j] + mirror(flipped[permutation[j]])) / 2</c>.</summary>
    /// <param name="heatmaps">Heatmaps <c>[joints, height, width]</c> of the unmirrored crop.</param>
    /// <param name="flipped">Heatmaps of the mirrored crop, same shape.</param>
    /// <param name="width">Heatmap width.</param>
    /// <param name="height">Heatmap height.</param>
    /// <param name="permutation">Joint permutation (an involution); its length is the joint count.</param>
    /// <param name="destination">Output, same shape; may be <paramref name="heatmaps"/> itself but must not overlap <paramref name="flipped"/>.</param>
    /// <exception cref="ArgumentException">A length does not match, or the permutation is not a permutation.</exception>
    public static void Average(ReadOnlySpan<float> heatmaps, ReadOnlySpan<float> flipped, int width, int height, ReadOnlySpan<int> permutation, Span<float> destination)
    {
        int plane = CheckShapes(flipped.Length, width, height, permutation, destination.Length, nameof(flipped));
        if (heatmaps.Length != flipped.Length)
            throw new ArgumentException($"heatmaps has {heatmaps.Length} floats and flipped {flipped.Length}; they must match.", nameof(heatmaps));
        for (int j = 0; j < permutation.Length; j++)
        {
            var a = heatmaps.Slice(j * plane, plane);
            var b = flipped.Slice(permutation[j] * plane, plane);
            var target = destination.Slice(j * plane, plane);
            for (int y = 0; y < height; y++)
                AverageMirroredRow(a.Slice(y * width, width), b.Slice(y * width, width), target.Slice(y * width, width));
        }
    }

    // target[x] = (a[x] + b[width − 1 − x]) · 0.5 in chunks: each chunk of b is mirrored into a stack buffer (target
    // may be a itself), then added and halved in one TensorPrimitives pass, the same two roundings as a scalar loop.
    private static void AverageMirroredRow(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> target)
    {
        const int Chunk = 256;
        Span<float> mirrored = stackalloc float[Chunk];
        int width = a.Length;
        for (int x0 = 0; x0 < width; x0 += Chunk)
        {
            int n = Math.Min(Chunk, width - x0);
            var chunk = mirrored[..n];
            b.Slice(width - x0 - n, n).CopyTo(chunk);
            chunk.Reverse();
            TensorPrimitives.AddMultiply(a.Slice(x0, n), chunk, 0.5f, target.Slice(x0, n));
        }
    }

    private static int CheckShapes(int length, int width, int height, ReadOnlySpan<int> permutation, int destinationLength, string name)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(width < 1 ? nameof(width) : nameof(height), "heatmap sizes must be at least 1.");
        int plane = width * height, joints = permutation.Length;
        if (length != joints * plane)
            throw new ArgumentException($"{name} has {length} floats; {joints} joints × {height} × {width} needs {joints * plane}.", name);
        if (destinationLength != length)
            throw new ArgumentException($"destination has {destinationLength} floats; it must have {length}.", "destination");
        Span<bool> seen = joints <= 256 ? stackalloc bool[joints] : new bool[joints];
        seen.Clear();
        foreach (int p in permutation)
        {
            if ((uint)p >= (uint)joints || seen[p])
                throw new ArgumentException($"permutation [{string.Join(", ", permutation.ToArray())}] is not a permutation of 0..{joints - 1}.", nameof(permutation));
            seen[p] = true;
        }
        return plane;
    }
}
