using System.Text.Json;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump params</c>, <c>train</c> and <c>eval</c> as a user runs them: the paper's parameter
/// arithmetic, dump → train → eval on stories260K with every output of the issue, and refusals.</summary>
public sealed class ShortcutCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-shortcuts-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path_(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData(1600, 48, 16, "(57.6K)", "(2.76M)")]
    [InlineData(3072, 32, 30, "(196.6K)", "(6.29M)")]
    [InlineData(4096, 32, 40, "(344.06K)", "(11.01M)")]
    public void Params_reproduces_the_papers_counts(int hidden, int layers, int rank, string perJump, string multi)
    {
        var result = Cli.Llamajump("params", "--hidden", $"{hidden}", "--layers", $"{layers}", "--rank", $"{rank}");

        result.ExitCode.Should().Be(0, result.Stderr);
        var lines = result.Stdout.Split('\n');
        lines.Single(l => l.StartsWith("per jump:", StringComparison.Ordinal)).Should().Contain(perJump);
        lines.Single(l => l.Contains("(the paper)", StringComparison.Ordinal)).Should().Contain(multi);
        lines.Single(l => l.StartsWith("single jump", StringComparison.Ordinal)).Should().Contain(perJump);
    }

    [Fact]
    public void Dump_train_and_eval_produce_the_jump_file_results_plots_and_report()
    {
        string dump = Path_("dump"), jumps = Path_("jumps.gguf"), results = Path_("results");
        var dumped = Cli.Llamajump("dump", "--corpus", Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"),
            "--train", "400", "--test", "100", "--out", dump, "--seed", "3");
        dumped.ExitCode.Should().Be(0, dumped.Stderr);

        var trained = Cli.Llamajump("train", "--dump", dump, "--out", jumps, "--epochs", "8", "--seed", "3");
        trained.ExitCode.Should().Be(0, trained.Stderr);
        File.Exists(jumps).Should().BeTrue();

        var evaluated = Cli.Llamajump("eval", "--dump", dump, "--jumps", jumps, "--out", results, "--json");
        evaluated.ExitCode.Should().Be(0, evaluated.Stderr);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "results.json")));
        var root = json.RootElement;
        int levels = 4; // stories260K: 5 blocks, exit levels 0 … 3
        root.GetProperty("d_m").GetArrayLength().Should().Be(levels);
        root.GetProperty("d_m_softmax").EnumerateArray().Sum(x => x.GetDouble()).Should().BeApproximately(1.0, 1e-9);
        root.GetProperty("ojfa").GetInt32().Should().BeInRange(0, levels - 1);
        foreach (var method in new[] { "identity", "nnjtc", "ojfa", "joint", "arbitrary_mean" })
        {
            var scores = root.GetProperty("methods").GetProperty(method);
            scores.GetProperty("precision").GetArrayLength().Should().Be(levels, method);
            scores.GetProperty("surprisal").GetArrayLength().Should().Be(levels, method);
            scores.GetProperty("precision").EnumerateArray().Should().OnlyContain(p => p.GetDouble() >= 0 && p.GetDouble() <= 1);
        }
        var curve = root.GetProperty("exit_curve");
        curve.GetProperty("candidates").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(1, 2, 3); // ExitCandidates.Default(5)
        foreach (var method in new[] { "ojfa", "nnjtc" })
        {
            var points = curve.GetProperty(method).GetProperty("points").EnumerateArray().ToList();
            points.Should().HaveCount(21, method);
            var blocks = points.Select(p => p.GetProperty("blocks_per_token").GetDouble()).ToList();
            blocks.Should().BeInAscendingOrder($"{method}: a higher λ never exits earlier");
            blocks.Should().OnlyContain(b => b >= 2 && b <= 5);
            points.Select(p => p.GetProperty("checks_per_token").GetDouble()).Should().BeInAscendingOrder().And.OnlyContain(c => c >= 1 && c <= 3);
            points.Should().OnlyContain(p => p.GetProperty("agreement").GetDouble() >= 0 && p.GetProperty("agreement").GetDouble() <= 1);
            points.Should().OnlyContain(p => p.GetProperty("exit_histogram").EnumerateArray().Sum(e => e.GetInt32()) == 100);
            points[^1].GetProperty("blocks_per_token").GetDouble().Should().Be(5, "λ > 1 never exits");
            points[^1].GetProperty("agreement").GetDouble().Should().Be(1);
            curve.GetProperty(method).GetProperty("top_probability_histogram").EnumerateArray()
                .Should().HaveCount(levels).And.OnlyContain(h => h.EnumerateArray().Sum(e => e.GetInt32()) == 100);
        }
        File.Exists(Path.Combine(results, "figure5-exit-curve.png")).Should().BeTrue();
        File.ReadAllText(Path.Combine(results, "report.md")).Should().Contain("## Early exit, offline (the λ curve)");
        JsonDocument.Parse(evaluated.Stdout).RootElement.GetProperty("ojfa").GetInt32().Should().Be(root.GetProperty("ojfa").GetInt32());
        File.Exists(Path.Combine(results, "results.csv")).Should().BeTrue();
        File.Exists(Path.Combine(results, "report.md")).Should().BeTrue();
        Directory.GetFiles(results, "*.png").Should().HaveCountGreaterThanOrEqualTo(3);
        root.GetProperty("methods").GetProperty("arbitrary").EnumerateObject().Should().HaveCount(levels, "the default sample of 8 is all 4 jumps");
        root.TryGetProperty("arbitrary_sample", out _).Should().BeFalse();
        evaluated.Stderr.Should().MatchRegex(@"head throughput \d+ rows/s").And.MatchRegex(@"in \d+\.\d\d s elapsed");

        string sampledResults = Path_("sampled");
        var sampled = Cli.Llamajump("eval", "--dump", dump, "--jumps", jumps, "--out", sampledResults, "--arbitrary", "2", "--arbitrary-seed", "1");
        sampled.ExitCode.Should().Be(0, sampled.Stderr);
        using var sampledJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(sampledResults, "results.json")));
        var sampledRoot = sampledJson.RootElement;
        var chosen = sampledRoot.GetProperty("methods").GetProperty("arbitrary").EnumerateObject().Select(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        chosen.Should().HaveCount(2).And.Contain(sampledRoot.GetProperty("ojfa").GetInt32(), "the sample always holds m*");
        sampledRoot.GetProperty("arbitrary_sample").GetProperty("available").GetInt32().Should().Be(levels);
        sampledRoot.GetProperty("methods").GetProperty("nnjtc").GetProperty("precision").EnumerateArray().Select(e => e.GetDouble())
            .Should().Equal(root.GetProperty("methods").GetProperty("nnjtc").GetProperty("precision").EnumerateArray().Select(e => e.GetDouble()),
                "N-NJTC does not depend on the arbitrary sample");
        File.ReadAllText(Path.Combine(sampledResults, "report.md")).Should().Contain($"a seeded sample of 2 of the {levels} jumps (seed 1");
    }

    [Fact]
    public void A_jump_file_from_another_model_and_a_truncated_one_are_refused()
    {
        string dump = Path_("dump"), jumps = Path_("jumps.gguf");
        Cli.Llamajump("dump", "--corpus", Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"),
            "--train", "120", "--test", "30", "--out", dump).ExitCode.Should().Be(0);
        Cli.Llamajump("train", "--dump", dump, "--out", jumps, "--epochs", "2").ExitCode.Should().Be(0);

        // the same jumps against a dump of another model (the tiny random llama: n_embd 8, 1 block)
        string other = Path_("other");
        var otherDump = Cli.Llamajump("dump", "--model", "llama-2-tiny-random.gguf", "--corpus", Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"),
            "--train", "20", "--test", "10", "--out", other);
        otherDump.ExitCode.Should().Be(0, otherDump.Stderr);
        var mismatch = Cli.Llamajump("eval", "--dump", other, "--jumps", jumps, "--out", Path_("r1"));
        mismatch.ExitCode.Should().Be(2, mismatch.Stderr);
        mismatch.Stderr.Split('\n').Should().ContainSingle(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal));

        string truncated = Path_("truncated.gguf");
        File.WriteAllBytes(truncated, File.ReadAllBytes(jumps)[..200]);
        var broken = Cli.Llamajump("eval", "--dump", dump, "--jumps", truncated, "--out", Path_("r2"));
        broken.ExitCode.Should().Be(2, broken.Stderr);
        broken.Stderr.Should().Contain("truncated.gguf");
    }
}
