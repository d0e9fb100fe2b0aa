namespace HourglassSimd.Training;

/// <summary>MPII joint conventions (spec §4.1).</summary>
public static class MpiiJoints
{
    public const int Count = 16;

    /// <summary>Left/right pairs swapped by a horizontal flip: ankles, knees, hips, wrists, elbows, shoulders.</summary>
    public static readonly IReadOnlyList<(int Right, int Left)> FlipPairs =
        [(0, 5), (1, 4), (2, 3), (10, 15), (11, 14), (12, 13)];

    /// <summary>
    /// The channel permutation for a flipped image (joint k becomes joint permutation[k]), or null when the joint count
    /// is not MPII's and so no left/right pairing is known.
    /// </summary>
    public static int[]? FlipPermutation(int joints)
    {
        if (joints != Count)
        {
            return null;
        }

        int[] permutation = Enumerable.Range(0, Count).ToArray();
        foreach ((int right, int left) in FlipPairs)
        {
            permutation[right] = left;
            permutation[left] = right;
        }

        return permutation;
    }
}
