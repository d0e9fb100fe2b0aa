using FsCheck.Xunit;
using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

public sealed class JointLayoutTests
{
    [Fact]
    public void Mpii_flip_permutation_is_the_spec_permutation()
    {
        Assert.Equal([5, 4, 3, 2, 1, 0, 6, 7, 8, 9, 15, 14, 13, 12, 11, 10], JointLayout.Mpii16.FlipPermutation);
        Assert.Equal(14, JointLayout.Mpii16.Skeleton.Count);
        Assert.Equal("head_top", JointLayout.Mpii16.Names[9]);
        Assert.Equal(JointSide.Right, JointLayout.Mpii16.Sides[0]);
        Assert.Equal(JointSide.Left, JointLayout.Mpii16.Sides[15]);
        Assert.Equal(JointSide.Center, JointLayout.Mpii16.Sides[7]);
    }

    [Fact]
    public void Coco_layout_pairs_every_left_joint_with_its_right_twin()
    {
        var coco = JointLayout.Coco17;
        Assert.Equal(17, coco.Count);
        Assert.Equal(19, coco.Skeleton.Count);
        for (int j = 0; j < coco.Count; j++)
        {
            string mirrored = coco.Names[coco.FlipPermutation[j]];
            string expected = coco.Names[j].StartsWith("left_") ? "right_" + coco.Names[j][5..]
                : coco.Names[j].StartsWith("right_") ? "left_" + coco.Names[j][6..] : coco.Names[j];
            Assert.Equal(expected, mirrored);
        }
    }

    [Theory]
    [MemberData(nameof(BuiltIn))]
    public void Built_in_flip_permutations_are_involutions(string name)
    {
        var layout = name == "mpii16" ? JointLayout.Mpii16 : JointLayout.Coco17;
        for (int j = 0; j < layout.Count; j++)
            Assert.Equal(j, layout.FlipPermutation[layout.FlipPermutation[j]]);
    }

    public static TheoryData<string> BuiltIn => new() { "mpii16", "coco17" };

    [Property(MaxTest = 200)]
    public void Any_valid_set_of_flip_pairs_gives_an_involution(byte joints, int seed)
    {
        int count = 1 + joints % 40;
        // Pair off a random subset of joints without reuse.
        var random = new Random(seed);
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        int pairs = random.Next(count / 2 + 1);
        var flip = Enumerable.Range(0, pairs).Select(i => new JointPair(order[2 * i], order[2 * i + 1])).ToList();
        var layout = JointLayout.Custom(count, flip);
        string label = $"count {count}, pairs [{string.Join(" ", flip)}]";
        for (int j = 0; j < count; j++)
            Assert.True(layout.FlipPermutation[layout.FlipPermutation[j]] == j, label);
        Assert.True(Enumerable.Range(0, count).Count(j => layout.FlipPermutation[j] != j) == 2 * pairs, label);
    }

    [Fact]
    public void Custom_layout_has_generic_names_and_no_pairs_unless_given()
    {
        var layout = JointLayout.Custom(5);
        Assert.Equal(["joint_0", "joint_1", "joint_2", "joint_3", "joint_4"], layout.Names);
        Assert.Equal([0, 1, 2, 3, 4], layout.FlipPermutation);
        Assert.Empty(layout.Skeleton);
        Assert.Equal(3, layout.IndexOf("joint_3"));
        Assert.Same(JointLayout.Mpii16, JointLayout.ForJointCount(16));
        Assert.Same(JointLayout.Coco17, JointLayout.ForJointCount(17));
        Assert.Equal(68, JointLayout.ForJointCount(68).Count);
    }

    [Fact]
    public void Invalid_layouts_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => JointLayout.Custom(4, [new JointPair(0, 1), new JointPair(1, 2)]));  // joint 1 twice
        Assert.Throws<ArgumentException>(() => JointLayout.Custom(4, [new JointPair(0, 4)]));                       // out of range
        Assert.Throws<ArgumentException>(() => JointLayout.Custom(4, [new JointPair(2, 2)]));                       // self pair
        Assert.Throws<ArgumentException>(() => JointLayout.Custom(4, skeleton: [new JointPair(-1, 2)]));
        Assert.Throws<ArgumentException>(() => new JointLayout("x", ["a", "a"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => JointLayout.Custom(0));
    }
}
