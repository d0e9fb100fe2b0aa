namespace HourglassSimd.Pose;

/// <summary>
/// What a network's heatmap channels mean: joint names in channel order, left/right flip pairs (for the flip test)
/// and skeleton edges (for drawing). Built in: <see cref="Mpii16"/> and <see cref="Coco17"/>; <see cref="Custom"/>
/// covers any joint count. Immutable and thread-safe.
/// </summary>
public sealed class JointLayout
{
    private readonly string[] _names;
    private readonly JointPair[] _flipPairs;
    private readonly JointPair[] _skeleton;
    private readonly JointSide[] _sides;
    private readonly int[] _flipPermutation;

    /// <summary>Creates and validates a layout.</summary>
    /// <param name="name">Layout name, e.g. <c>mpii16</c>.</param>
    /// <param name="jointNames">One distinct, non-empty name per heatmap channel.</param>
    /// <param name="flipPairs">Left/right pairs swapped by a horizontal flip; each joint in at most one pair. None: every joint maps to itself.</param>
    /// <param name="skeleton">Edges drawn between joints. None: no edges.</param>
    /// <param name="sides">Body side per joint. None: from the names (prefix <c>left</c> / <c>right</c>, case-insensitive), otherwise centre.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or an index is out of range, self-paired or in two flip pairs.</exception>
    public JointLayout(
        string name, IReadOnlyList<string> jointNames,
        IEnumerable<JointPair>? flipPairs = null, IEnumerable<JointPair>? skeleton = null, IReadOnlyList<JointSide>? sides = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(jointNames);
        if (jointNames.Count == 0)
            throw new ArgumentException("a layout needs at least one joint.", nameof(jointNames));
        _names = [.. jointNames];
        var unique = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(_names[i]))
                throw new ArgumentException($"joint {i} has an empty name.", nameof(jointNames));
            if (!unique.Add(_names[i]))
                throw new ArgumentException($"joint name '{_names[i]}' appears twice.", nameof(jointNames));
        }

        _flipPairs = [.. flipPairs ?? []];
        _flipPermutation = [.. Enumerable.Range(0, _names.Length)];
        var paired = new bool[_names.Length];
        foreach (var pair in _flipPairs)
        {
            CheckPair(pair, nameof(flipPairs));
            if (paired[pair.First] || paired[pair.Second])
                throw new ArgumentException($"flip pair ({pair.First}, {pair.Second}) reuses a joint that is already in another pair.", nameof(flipPairs));
            paired[pair.First] = paired[pair.Second] = true;
            _flipPermutation[pair.First] = pair.Second;
            _flipPermutation[pair.Second] = pair.First;
        }

        _skeleton = [.. skeleton ?? []];
        foreach (var edge in _skeleton)
            CheckPair(edge, nameof(skeleton));

        if (sides is not null)
        {
            if (sides.Count != _names.Length)
                throw new ArgumentException($"sides has {sides.Count} entries for {_names.Length} joints.", nameof(sides));
            _sides = [.. sides];
        }
        else
        {
            _sides = [.. _names.Select(SideFromName)];
        }
        Name = name;
    }

    /// <summary>Layout name.</summary>
    public string Name { get; }

    /// <summary>Number of joints (heatmap channels).</summary>
    public int Count => _names.Length;

    /// <summary>Joint names in channel order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Left/right pairs swapped by a horizontal flip.</summary>
    public IReadOnlyList<JointPair> FlipPairs => _flipPairs;

    /// <summary>Skeleton edges for drawing.</summary>
    public IReadOnlyList<JointPair> Skeleton => _skeleton;

    /// <summary>Body side of each joint.</summary>
    public IReadOnlyList<JointSide> Sides => _sides;

    /// <summary>
    /// Channel permutation of a horizontal flip: <c>FlipPermutation[j]</c> is the joint j becomes when mirrored (its pair,
    /// or itself). An involution: applying it twice gives the identity.
    /// </summary>
    public IReadOnlyList<int> FlipPermutation => _flipPermutation;

    /// <summary>The flip permutation as a span (for <see cref="FlipTest"/>).</summary>
    public ReadOnlySpan<int> FlipPermutationSpan => _flipPermutation;

    /// <summary>Index of the joint called <paramref name="jointName"/>, or −1.</summary>
    public int IndexOf(string jointName) => Array.IndexOf(_names, jointName);

    /// <summary>
    /// MPII, 16 joints (hourglass-spec §4.1): 0 right_ankle, 1 right_knee, 2 right_hip, 3 left_hip, 4 left_knee,
    /// 5 left_ankle, 6 pelvis, 7 thorax, 8 upper_neck, 9 head_top, 10 right_wrist, 11 right_elbow, 12 right_shoulder,
    /// 13 left_shoulder, 14 left_elbow, 15 left_wrist. Flip pairs (0,5) (1,4) (2,3) (10,15) (11,14) (12,13). Skeleton:
    /// the original 14 limbs of pose-hg-train/pose-hg-demo (§4.2).
    /// </summary>
    public static JointLayout Mpii16 { get; } = new(
        "mpii16",
        [
            "right_ankle", "right_knee", "right_hip", "left_hip", "left_knee", "left_ankle", "pelvis", "thorax",
            "upper_neck", "head_top", "right_wrist", "right_elbow", "right_shoulder", "left_shoulder", "left_elbow", "left_wrist",
        ],
        [new(0, 5), new(1, 4), new(2, 3), new(10, 15), new(11, 14), new(12, 13)],
        [
            new(0, 1), new(1, 2), new(2, 6),            // right leg
            new(3, 4), new(3, 6), new(4, 5),            // left leg
            new(6, 8), new(8, 9),                       // torso, head
            new(10, 11), new(11, 12), new(12, 8),       // right arm
            new(13, 8), new(13, 14), new(14, 15),       // left arm
        ]);

    /// <summary>
    /// COCO, 17 joints: 0 nose, 1 left_eye, 2 right_eye, 3 left_ear, 4 right_ear, 5 left_shoulder, 6 right_shoulder,
    /// 7 left_elbow, 8 right_elbow, 9 left_wrist, 10 right_wrist, 11 left_hip, 12 right_hip, 13 left_knee, 14 right_knee,
    /// 15 left_ankle, 16 right_ankle; the 19-edge COCO person skeleton (0-based).
    /// </summary>
    public static JointLayout Coco17 { get; } = new(
        "coco17",
        [
            "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
            "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
        ],
        [new(1, 2), new(3, 4), new(5, 6), new(7, 8), new(9, 10), new(11, 12), new(13, 14), new(15, 16)],
        [
            new(15, 13), new(13, 11), new(16, 14), new(14, 12), new(11, 12),   // legs, hips
            new(5, 11), new(6, 12), new(5, 6),                                 // torso
            new(5, 7), new(6, 8), new(7, 9), new(8, 10),                       // arms
            new(1, 2), new(0, 1), new(0, 2), new(1, 3), new(2, 4), new(3, 5), new(4, 6), // face
        ]);

    /// <summary>A layout for any joint count with generic names <c>joint_0</c>, <c>joint_1</c>…; no flip pairs or edges unless given.</summary>
    /// <exception cref="ArgumentException">The count is less than 1, or a pair is invalid.</exception>
    public static JointLayout Custom(int count, IEnumerable<JointPair>? flipPairs = null, IEnumerable<JointPair>? skeleton = null)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        return new JointLayout($"custom{count}", [.. Enumerable.Range(0, count).Select(i => $"joint_{i}")], flipPairs, skeleton);
    }

    /// <summary>The default layout for a network with <paramref name="joints"/> heatmaps: 16 → <see cref="Mpii16"/>, 17 → <see cref="Coco17"/>, otherwise <see cref="Custom"/>.</summary>
    public static JointLayout ForJointCount(int joints) => joints switch
    {
        16 => Mpii16,
        17 => Coco17,
        _ => Custom(joints),
    };

    private void CheckPair(JointPair pair, string parameter)
    {
        if ((uint)pair.First >= (uint)_names.Length || (uint)pair.Second >= (uint)_names.Length)
            throw new ArgumentException($"pair ({pair.First}, {pair.Second}) names a joint outside 0..{_names.Length - 1}.", parameter);
        if (pair.First == pair.Second)
            throw new ArgumentException($"pair ({pair.First}, {pair.Second}) joins a joint to itself.", parameter);
    }

    private static JointSide SideFromName(string name) =>
        name.StartsWith("left", StringComparison.OrdinalIgnoreCase) ? JointSide.Left
        : name.StartsWith("right", StringComparison.OrdinalIgnoreCase) ? JointSide.Right
        : JointSide.Center;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Count} joints)";
}
