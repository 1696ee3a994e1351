using System.Text.Json;
using System.Text.Json.Nodes;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>One dump → train → eval of stories260K shared by the exit-plan tests.</summary>
public sealed class PlannedStories : IDisposable
{
    public PlannedStories()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("llamajump-plan-e2e-").FullName;
        Dump = System.IO.Path.Combine(Directory, "dump");
        Jumps = System.IO.Path.Combine(Directory, "jumps.gguf");
        Results = System.IO.Path.Combine(Directory, "results");
        foreach (string[] step in new[]
        {
            new[] { "dump", "--corpus", System.IO.Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"), "--train", "300", "--test", "100", "--out", Dump, "--seed", "5" },
            ["train", "--dump", Dump, "--out", Jumps, "--epochs", "8", "--seed", "5"],
            ["eval", "--dump", Dump, "--jumps", Jumps, "--out", Results],
        })
        {
            var result = Cli.Run(Cli.Launcher, step, StoriesDump.Cache(Directory));
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"{step[0]}: {result.Stderr}");
        }
    }

    public string Directory { get; }
    public string Dump { get; }
    public string Jumps { get; }
    public string Results { get; }
    public string ResultsJson => System.IO.Path.Combine(Results, "results.json");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// <c>generate --mode exit --plan results.json</c>: eval leaves exit-samples.safetensors beside results.json, generate
/// prints the plan before generating and checks exactly the planned candidates; without --plan or --levels it checks
/// the guarded default. Results of another model or jump file, a missing samples file and --levels beside --plan are
/// one line and exit code 2.
/// </summary>
public sealed class ExitPlanTests(PlannedStories planned) : IClassFixture<PlannedStories>
{
    private Dictionary<string, string?> Env => StoriesDump.Cache(planned.Directory);

    private CommandResult Generate(params string[] more) => Cli.Run(Cli.Launcher,
        ["generate", "--mode", "exit", "--jumps", planned.Jumps, "--prompt", "Once upon a time", "--max-tokens", "8", "--json", .. more], Env);

    private static int[] Candidates(CommandResult result)
    {
        using var json = JsonDocument.Parse(result.Stdout);
        return [.. json.RootElement.GetProperty("candidates").EnumerateArray().Select(e => e.GetInt32())];
    }

    [Fact]
    public void Generate_prints_the_plan_and_checks_exactly_its_candidates()
    {
        File.Exists(Path.Combine(planned.Results, "exit-samples.safetensors")).Should().BeTrue("eval writes the OJFA exit samples beside results.json");

        var result = Generate("--plan", planned.ResultsJson, "--lambda", "0.5");

        result.ExitCode.Should().Be(0, result.Stderr);
        var line = result.Stderr.Split('\n').Single(l => l.StartsWith("generate: plan at λ 0.5: ", StringComparison.Ordinal));
        line.Should().MatchRegex(@"expected \d+\.\d\d blocks/token of 5, .* agreement \d\.\d{3}; the paper's rule: \d+\.\d\d blocks/token, cost \d+\.\d\d, agreement \d\.\d{3}$");
        int[] candidates = Candidates(result);
        if (candidates.Length == 0)
            line.Should().Contain("no candidate");
        else
            line.Should().Contain(candidates.Length == 1 ? $"candidate {candidates[0]};" : $"candidates {string.Join(",", candidates)} (");
        result.Stderr.Contains(AgreementCaveat).Should().Be(candidates.Length > 0, result.Stderr);
    }

    private const string AgreementCaveat = "generate: the plan's agreement assumes the full model's K/V for the tokens before;";

    [Fact]
    public void By_blocks_the_plan_runs_no_more_blocks_than_the_papers_rule_and_says_so()
    {
        var result = Generate("--plan", planned.ResultsJson, "--lambda", "0.6", "--plan-goal", "blocks");

        result.ExitCode.Should().Be(0, result.Stderr);
        var line = result.Stderr.Split('\n').Single(l => l.StartsWith("generate: plan at λ 0.6 (fewest blocks): ", StringComparison.Ordinal));
        // the rule's own candidates always qualify, so the planned blocks per token never exceed the rule's, and its
        // expected agreement is no lower
        var m = System.Text.RegularExpressions.Regex.Match(line,
            @"expected (\d+\.\d\d) blocks/token of 5, .* agreement (\d\.\d{3}); the paper's rule: (\d+\.\d\d) blocks/token, cost \d+\.\d\d, agreement (\d\.\d{3})$");
        m.Success.Should().BeTrue(line);
        double Number(int group) => double.Parse(m.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
        Number(1).Should().BeLessThanOrEqualTo(Number(3), line);
        Number(2).Should().BeGreaterThanOrEqualTo(Number(4), line);
        // the plan has candidates, so under propagation (the default fill) the log says that its expected agreement
        // assumes the full model's K/V; recompute's plan models its own fill and says nothing more
        result.Stderr.Should().Contain(AgreementCaveat);
        var recompute = Generate("--plan", planned.ResultsJson, "--lambda", "0.6", "--plan-goal", "blocks", "--fill", "recompute");
        recompute.ExitCode.Should().Be(0, recompute.Stderr);
        recompute.Stderr.Should().Contain("generate: plan at λ 0.6 (fewest blocks): ").And.NotContain(AgreementCaveat);
        Refused(Generate("--plan", planned.ResultsJson, "--plan-goal", "fast"), "--plan-goal must be cost or blocks (got 'fast')");
    }

    [Fact]
    public void Without_a_plan_or_levels_exit_checks_the_guarded_default()
    {
        var result = Generate("--lambda", "0.5");

        result.ExitCode.Should().Be(0, result.Stderr);
        Candidates(result).Should().Equal(1); // stories260K: one candidate, the middle block ⌊5/2⌋ − 1
        result.Stderr.Should().Contain("generate: exit candidates 1 (the guarded default");
    }

    [Fact]
    public void Spec_plans_its_draft_threshold_from_the_exit_samples_too()
    {
        var result = Cli.Run(Cli.Launcher, ["generate", "--mode", "spec", "--jumps", planned.Jumps, "--prompt", "Once upon a time", "--max-tokens", "8",
            "--json", "--plan", planned.ResultsJson], Env);

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        float threshold = json.RootElement.GetProperty("draft_threshold").GetSingle();
        threshold.Should().BeInRange(0f, 0.9f);
        (threshold * 10).Should().BeApproximately(MathF.Round(threshold * 10), 1e-4f, "the planner tries 0, 0.1 … 0.9");
        string reason = json.RootElement.GetProperty("draft_plan").GetString()!;
        if (reason.Contains("drafting stays gated at the default threshold", StringComparison.Ordinal))
            threshold.Should().Be(0.5f, "where no threshold pays the default applies");
        else
            reason.Should().Contain($"confident (≥ {threshold:0.0})");
    }

    [Fact]
    public void Teacher_forced_on_evals_own_samples_the_online_sweep_is_the_offline_curve()
    {
        var result = Cli.Run(Cli.Launcher, ["bench", "exit", "--jumps", planned.Jumps, "--plan", planned.ResultsJson, "--dump", planned.Dump,
            "--dump-samples", "60", "--tokens", "4", "--repeats", "1", "--lambdas", "0.3,0.6", "--json"], Env);

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var points = json.RootElement.GetProperty("teacher_forced_sweep").EnumerateArray().ToList();
        points.Select(p => p.GetProperty("history").GetString()).Should().Equal("full-depth", "propagate", "recompute", "full-depth", "propagate", "recompute");
        foreach (var p in points)
        {
            p.GetProperty("samples").GetInt32().Should().Be(60);
            p.GetProperty("blocks_per_token").GetDouble().Should().BeInRange(1, 5);
            if (p.GetProperty("history").GetString() != "full-depth")
                continue;
            // the dump's own context: the native exit sees the states eval replayed (up to f16 storage), sample by sample
            p.GetProperty("same_exit").GetDouble().Should().BeGreaterThanOrEqualTo(0.95, p.ToString());
            p.GetProperty("blocks_per_token").GetDouble().Should().BeApproximately(p.GetProperty("offline_blocks_per_token").GetDouble(), 0.1, p.ToString());
            p.GetProperty("agreement").GetDouble().Should().BeApproximately(p.GetProperty("offline_agreement").GetDouble(), 0.05, p.ToString());
            p.GetProperty("full_depth_agreement").ValueKind.Should().NotBe(JsonValueKind.Undefined);
        }
        // the offline replay of λ 0.3 exits more than that of 0.6 (the rule is monotone in λ)
        points[0].GetProperty("offline_blocks_per_token").GetDouble().Should().BeLessThanOrEqualTo(points[3].GetProperty("offline_blocks_per_token").GetDouble());
    }

    [Fact]
    public void A_dump_other_than_the_evaluated_one_or_without_a_plan_is_refused()
    {
        string[] bench = ["bench", "exit", "--jumps", planned.Jumps, "--tokens", "2", "--repeats", "1", "--lambdas", "0.5"];
        Refused(Cli.Run(Cli.Launcher, [.. bench, "--dump", planned.Dump], Env), "--dump needs --plan");
        Refused(Cli.Run(Cli.Launcher, [.. bench, "--plan", planned.ResultsJson, "--dump", Path.Combine(planned.Directory, "no-dump")], Env), "no such directory");

        string reseeded = Path.Combine(planned.Directory, "reseeded");
        Directory.CreateDirectory(reseeded);
        var node = JsonNode.Parse(File.ReadAllText(planned.ResultsJson))!;
        node["dump"]!["seed"] = 6;
        File.WriteAllText(Path.Combine(reseeded, "results.json"), node.ToJsonString());
        File.Copy(Path.Combine(planned.Results, "exit-samples.safetensors"), Path.Combine(reseeded, "exit-samples.safetensors"));
        Refused(Cli.Run(Cli.Launcher, [.. bench, "--plan", Path.Combine(reseeded, "results.json"), "--dump", planned.Dump], Env),
            "is not the dump --plan's results were evaluated on");
        Refused(Cli.Run(Cli.Launcher, [.. bench, "--plan", planned.ResultsJson, "--dump", planned.Dump, "--dump-samples", "0"], Env), "--dump-samples must be positive");
    }

    [Fact]
    public void Results_of_another_model_or_jump_file_and_incomplete_plans_are_refused()
    {
        string other = Path.Combine(planned.Directory, "other-model");
        Directory.CreateDirectory(other);
        var node = JsonNode.Parse(File.ReadAllText(planned.ResultsJson))!;
        node["model"]!["sha256"] = new string('0', 64);
        File.WriteAllText(Path.Combine(other, "results.json"), node.ToJsonString());
        File.Copy(Path.Combine(planned.Results, "exit-samples.safetensors"), Path.Combine(other, "exit-samples.safetensors"));
        Refused(Generate("--plan", Path.Combine(other, "results.json")), "evaluates stories260K.gguf (sha256 00000000…), not stories260K.gguf");

        string otherJumps = Path.Combine(planned.Directory, "other-jumps.gguf");
        Cli.Run(Cli.Launcher, ["train", "--dump", planned.Dump, "--out", otherJumps, "--epochs", "3", "--seed", "9"], Env).ExitCode.Should().Be(0);
        Refused(Cli.Run(Cli.Launcher, ["generate", "--mode", "exit", "--jumps", otherJumps, "--prompt", "Once", "--plan", planned.ResultsJson], Env),
            "evaluates another jump file (jumps.gguf");

        string bare = Path.Combine(planned.Directory, "bare");
        Directory.CreateDirectory(bare);
        File.Copy(planned.ResultsJson, Path.Combine(bare, "results.json"));
        Refused(Generate("--plan", Path.Combine(bare, "results.json")), "exit-samples.safetensors is missing; rerun llamajump eval");

        Refused(Generate("--plan", planned.ResultsJson, "--levels", "1,2"), "--levels and --plan both choose exit mode's candidate blocks");
        Refused(Generate("--plan", Path.Combine(planned.Directory, "nothing.json")), "no such file");
    }

    private static void Refused(CommandResult result, string expected)
    {
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Split('\n').Where(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain(expected);
    }
}
