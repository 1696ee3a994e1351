using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Tests.Pure.Models;
using Xunit;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>The jump file: round trips (identical outputs), the OJFA-only file, the GGUF layout, and refusal of every
/// damaged or foreign file with a one-line JumpFileException.</summary>
public sealed class JumpFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string PathOf(string name) => Path.Combine(_temp.Root, name);

    private string Written(JumpSet set, string name = "jumps.gguf")
    {
        string path = PathOf(name);
        JumpFile.Write(path, set);
        return path;
    }

    [Fact]
    public void A_written_set_reads_back_with_identical_jumps_and_metadata()
    {
        var set = JumpSetFixture.Full();
        string path = Written(set);

        var read = JumpFile.Read(path);

        read.Identity.Should().Be(set.Identity);
        read.Settings.Should().Be(set.Settings);
        read.Ojfa.Should().Be(2);
        read.DScores.Should().Equal(set.DScores);
        read.DSoftmax.Should().Equal(set.DSoftmax);
        read.ValidationLoss.Should().Equal(set.ValidationLoss);
        read.JointValidationLoss.Should().Be(9.5);
        read.Source.Should().Be(Path.GetFullPath(path));
        read.OjfaOnly.Should().BeFalse();
        foreach (var (expected, actual) in set.Levels.Append(set.Joint).Zip(read.Levels.Append(read.Joint)))
            AssertSameJump(expected!, actual!);
    }

    [Fact]
    public void A_read_jump_gives_bit_identical_outputs()
    {
        var set = JumpSetFixture.Full(nEmbd: 16, rank: 3);
        var read = JumpFile.Read(Written(set));
        var rows = JumpSetFixture.Rows(20, 16, 3);

        for (int k = 0; k < set.Levels.Count; k++)
        {
            var expected = new float[rows.Length];
            var actual = new float[rows.Length];
            set.Levels[k]!.Apply(rows, expected, 20);
            read.Levels[k]!.Apply(rows, actual, 20);
            actual.Should().Equal(expected, $"jump {k}");
        }
    }

    [Fact]
    public void The_OJFA_only_file_keeps_one_jump_and_all_metadata()
    {
        var set = JumpSetFixture.Full(nLayer: 9, nEmbd: 64, rank: 8, joint: false);
        string full = Written(set);
        string single = PathOf("ojfa.gguf");
        JumpFile.WriteOjfaOnly(single, set);

        var read = JumpFile.Read(single);

        read.OjfaOnly.Should().BeTrue();
        read.Levels.Should().HaveCount(8);
        read.Levels.Select((l, k) => (l, k)).Where(p => p.l is not null).Select(p => p.k).Should().Equal(2);
        read.Joint.Should().BeNull();
        read.JointValidationLoss.Should().BeNull();
        read.DScores.Should().Equal(set.DScores);
        read.DSoftmax.Should().Equal(set.DSoftmax);
        read.ValidationLoss.Should().Equal(set.ValidationLoss);
        AssertSameJump(set.Levels[2]!, read.OjfaJump);

        long Parameters(string path) => GgufFile.Read(path).Tensors.Sum(t => t.ElementCount);
        Parameters(full).Should().Be(8 * Parameters(single), "one jump instead of L − 1 = 8");
        Parameters(single).Should().Be(set.Levels[2]!.ParameterCount);
        new FileInfo(full).Length.Should().BeGreaterThan(6 * new FileInfo(single).Length);
    }

    [Fact]
    public void The_file_is_GGUF_with_ggml_ordered_dims_and_llamajump_keys()
    {
        var file = GgufFile.Read(Written(JumpSetFixture.Full(nEmbd: 8, rank: 2)));

        file.GetString("general.architecture").Should().Be("llamajump-jumps");
        file.GetInteger(JumpFileNames.KeyFormatVersion).Should().Be(1);
        file.GetInteger(JumpFileNames.KeyOjfa).Should().Be(2);
        file.GetInteger(JumpFileNames.KeyRank).Should().Be(2);
        file.GetString(JumpFileNames.KeyModelSha256).Should().Be(JumpSetFixture.ModelSha);
        file.Metadata[JumpFileNames.KeyDScores].ElementType.Should().Be(GgufValueType.Float64);
        file.GetArrayLength(JumpFileNames.KeyDSoftmax).Should().Be(4);
        file.Metadata[JumpFileNames.KeyLevels].AsArray<uint>().Should().Equal(0u, 1u, 2u, 3u);
        file.Metadata[JumpFileNames.KeyJoint].Value.Should().Be(true);
        var a = file.Tensors.Single(t => t.Name == "jump.3.a");
        a.Dims.Should().Equal(2, 8);   // [r, H]: row-major [H][r]
        file.Tensors.Single(t => t.Name == "jump.3.b").Dims.Should().Equal(8, 2); // [H, r]: row-major [r][H]
        file.Tensors.Single(t => t.Name == "jump.joint.norm.running_var").Dims.Should().Equal(8);
        file.Tensors.Should().HaveCount(5 * 6).And.OnlyContain(t => t.Type == GgmlType.F32);
    }

    [Fact]
    public void Every_truncation_is_refused_with_one_line_naming_the_file()
    {
        var set = JumpSetFixture.Full(nLayer: 3, nEmbd: 4, rank: 1, joint: false);
        byte[] bytes = File.ReadAllBytes(Written(set));
        string cut = PathOf("cut.gguf");
        int refused = 0;

        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(cut, bytes[..length]);
            try
            {
                var read = JumpFile.Read(cut);
                // Only the zero padding after the last tensor may go missing unnoticed.
                bytes[length..].Should().OnlyContain(b => b == 0, $"a file cut at {length} of {bytes.Length} bytes read as complete");
                read.Levels[2 - 1]!.A.Should().Equal(set.Levels[1]!.A);
            }
            catch (JumpFileException e)
            {
                e.Message.Should().StartWith("cut.gguf: ").And.NotContain("\n");
                refused++;
            }
        }
        refused.Should().BeGreaterThan(bytes.Length - 32);
    }

    [Fact]
    public void A_GGUF_without_the_jump_keys_is_not_a_jump_file()
    {
        string path = PathOf("model.gguf");
        using (var writer = new GgufWriter(path))
        {
            writer.SetMetadata("general.architecture", "llama");
            writer.Complete();
        }

        FluentActions.Invoking(() => JumpFile.Read(path)).Should().Throw<JumpFileException>()
            .WithMessage("model.gguf: not a LlamaJump jump file (no llamajump.format_version; general.architecture is 'llama')");
    }

    [Fact]
    public void A_file_that_is_not_GGUF_is_refused()
    {
        string path = PathOf("notes.gguf");
        File.WriteAllText(path, "hello, this is not a GGUF file at all");

        FluentActions.Invoking(() => JumpFile.Read(path)).Should().Throw<JumpFileException>().WithMessage("notes.gguf: not a readable jump file (*");
    }

    [Fact]
    public void A_missing_file_is_FileNotFound() =>
        FluentActions.Invoking(() => JumpFile.Read(PathOf("absent.gguf"))).Should().Throw<FileNotFoundException>();

    public static TheoryData<string, string> Damages() => new()
    {
        { "version", "bad.gguf: jump file format version 2, this llamajump reads version 1" },
        { "no-rank", "bad.gguf: key llamajump.rank is missing" },
        { "rank-too-big", "bad.gguf: rank 8 is not below n_embd 8" },
        { "rank-string", "bad.gguf: llamajump.rank is String, expected an integer" },
        { "short-d_m", "bad.gguf: llamajump.d_m has 3 values, expected 4 (one per exit level, n_layer − 1)" },
        { "nan-d_m", "bad.gguf: llamajump.d_m holds a non-finite value" },
        { "ojfa-out-of-range", "bad.gguf: llamajump.ojfa is 4, but the exit levels are 0 … 3" },
        { "levels-unsorted", "bad.gguf: llamajump.levels must list distinct exit levels 0 … 3 in increasing order" },
        { "ojfa-absent", "bad.gguf: the OJFA jump 2 is not among the jumps in the file (llamajump.levels = [0, 1, 3])" },
        { "missing-tensor", "bad.gguf: tensor jump.1.b is missing" },
        { "extra-tensor", "bad.gguf: unexpected tensor 'jump.9.a' (the metadata lists levels [0, 1, 2, 3] and the joint jump)" },
        { "control-character-name", "bad.gguf: unexpected tensor 'jump.joint.n\\u000arm.bias' (the metadata lists levels [0, 1, 2, 3] and the joint jump)" },
        { "joint-undeclared", "bad.gguf: unexpected tensor 'jump.joint.norm.weight' (the metadata lists levels [0, 1, 2, 3])" },
        { "wrong-shape", "bad.gguf: tensor jump.2.a has dims [8, 2], expected [2, 8] for n_embd and rank" },
        { "nan-weight", "bad.gguf: tensor jump.0.b holds a non-finite value at element 5" },
        { "negative-variance", "bad.gguf: jump.3.norm.running_var holds a negative variance" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_jump_file_is_refused_with_its_problem(string damage, string message)
    {
        var rewriter = new JumpFileRewriter(Written(JumpSetFixture.Full(nEmbd: 8, rank: 2)));
        switch (damage)
        {
            case "version": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyFormatVersion, 2u)); break;
            case "no-rank": rewriter.Remove(JumpFileNames.KeyRank); break;
            case "rank-too-big": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyRank, 8u)); break;
            case "rank-string": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyRank, "2")); break;
            case "short-d_m": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyDScores, new double[] { 1, 2, 3 }.AsSpan())); break;
            case "nan-d_m": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyDScores, new[] { 1, double.NaN, 3, 4 }.AsSpan())); break;
            case "ojfa-out-of-range": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyOjfa, 4u)); break;
            case "levels-unsorted": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyLevels, new uint[] { 0, 2, 1, 3 }.AsSpan())); break;
            case "ojfa-absent":
                rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyLevels, new uint[] { 0, 1, 3 }.AsSpan()));
                foreach (string suffix in new[] { "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "a", "b" })
                    rewriter.Drop($"jump.2.{suffix}");
                break;
            case "missing-tensor": rewriter.Drop("jump.1.b"); break;
            case "extra-tensor": rewriter.Add("jump.9.a", [2, 8], new float[16]); break;
            // found by tools/Fuzz: a name with a newline made the message two lines
            case "control-character-name": rewriter.Add("jump.joint.n\nrm.bias", [8], new float[8]); break;
            case "joint-undeclared": rewriter.Set(w => w.SetMetadata(JumpFileNames.KeyJoint, false)); break;
            case "wrong-shape": rewriter.Replace("jump.2.a", [8, 2], new float[16]); break;
            case "nan-weight": rewriter.Replace("jump.0.b", v => { v[5] = float.PositiveInfinity; return v; }); break;
            case "negative-variance": rewriter.Replace("jump.3.norm.running_var", v => { v[0] = -1; return v; }); break;
            default: throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
        string bad = rewriter.WriteTo(PathOf("bad.gguf"));

        FluentActions.Invoking(() => JumpFile.Read(bad)).Should().Throw<JumpFileException>().Which.Message.Should().Be(message);
    }

    [Fact]
    public void A_set_for_another_model_is_refused()
    {
        var read = JumpFile.Read(Written(JumpSetFixture.Full()));
        string other = new('f', 64);

        JumpFile.EnsureMatches(read, JumpSetFixture.ModelSha.ToUpperInvariant(), 5, 8, "tiny.gguf");
        FluentActions.Invoking(() => JumpFile.EnsureMatches(read, other, 5, 8, "other.gguf"))
            .Should().Throw<JumpFileException>().Which.Message.Should().Be("jumps.gguf was trained for model 1a2b3c4d… (tiny.gguf), not ffffffff… (other.gguf)");
        FluentActions.Invoking(() => JumpFile.EnsureMatches(read, JumpSetFixture.ModelSha, 6, 8, "a dump"))
            .Should().Throw<JumpFileException>().Which.Message.Should().Be("jumps.gguf was trained for a model of 5 blocks × n_embd 8 (tiny.gguf), not 6 × 8 (a dump)");
    }

    [Fact]
    public void JumpFileException_is_a_dump_error_so_the_command_line_reports_bad_input() =>
        typeof(LlamaJump.Dumps.DumpException).IsAssignableFrom(typeof(JumpFileException)).Should().BeTrue();

    [Fact]
    public void Writing_an_inconsistent_set_is_an_argument_error()
    {
        var set = JumpSetFixture.Full();

        FluentActions.Invoking(() => JumpFile.Write(PathOf("x.gguf"), set with { DScores = [1.0] })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => JumpFile.Write(PathOf("x.gguf"), set with { Ojfa = 7 })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => JumpFile.WriteOjfaOnly(PathOf("x.gguf"), set with { Levels = [null, null, null, null] }))
            .Should().Throw<InvalidOperationException>();
        File.Exists(PathOf("x.gguf")).Should().BeFalse();
        File.Exists(PathOf("x.gguf.tmp")).Should().BeFalse();
    }

    private static void AssertSameJump(JumpWeights expected, JumpWeights actual)
    {
        actual.Hidden.Should().Be(expected.Hidden);
        actual.Rank.Should().Be(expected.Rank);
        actual.Eps.Should().Be(expected.Eps);
        actual.Gamma.Should().Equal(expected.Gamma);
        actual.Beta.Should().Equal(expected.Beta);
        actual.RunningMean.Should().Equal(expected.RunningMean);
        actual.RunningVar.Should().Equal(expected.RunningVar);
        actual.A.Should().Equal(expected.A);
        actual.B.Should().Equal(expected.B);
    }
}
