using System.Text.Json;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>Jumps for stories260K trained once for the generate tests, in a private cache directory (train keeps the
/// OJFA jump there, which is how generate finds it without --jumps).</summary>
public sealed class TrainedStoriesJumps : IDisposable
{
    public TrainedStoriesJumps()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("llamajump-generate-e2e-").FullName;
        Environment = new Dictionary<string, string?> { ["LLAMAJUMP_CACHE"] = Path.Combine(Directory, "cache") };
        string dump = Path.Combine(Directory, "dump");
        Jumps = Path.Combine(Directory, "jumps.gguf");
        var dumped = Cli.Run(Cli.Launcher, ["dump", "--corpus", Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"),
            "--train", "300", "--test", "50", "--out", dump, "--seed", "5"], Environment);
        if (dumped.ExitCode != 0)
            throw new InvalidOperationException(dumped.Stderr);
        var trained = Cli.Run(Cli.Launcher, ["train", "--dump", dump, "--out", Jumps, "--epochs", "6", "--seed", "5"], Environment);
        if (trained.ExitCode != 0)
            throw new InvalidOperationException(trained.Stderr);
    }

    public string Directory { get; }
    public string Jumps { get; }
    public Dictionary<string, string?> Environment { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary><c>./llamajump generate</c> and <c>bench exit</c> as a user runs them on stories260K.</summary>
public sealed class GenerateCommandTests(TrainedStoriesJumps jumps) : IClassFixture<TrainedStoriesJumps>
{
    private const string Prompt = "Once upon a time";

    private CommandResult Generate(params string[] args) =>
        Cli.Run(Cli.Launcher, ["generate", "--prompt", Prompt, .. args], jumps.Environment);

    private static JsonElement Json(CommandResult result)
    {
        result.ExitCode.Should().Be(0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    private static bool HasDraftFlag(JsonElement token) => token.TryGetProperty("accepted_draft", out var _);

    private static int[] Ids(JsonElement root) => root.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToArray();

    [Fact]
    public void Spec_prints_exactly_the_full_models_greedy_text_with_acceptance()
    {
        var full = Json(Generate("--mode", "full", "--max-tokens", "200", "--json"));
        var spec = Json(Generate("--mode", "spec", "--max-tokens", "200", "--json", "--compare"));

        Ids(spec).Should().Equal(Ids(full));
        spec.GetProperty("text").GetString().Should().Be(full.GetProperty("text").GetString());
        spec.GetProperty("schema").GetString().Should().Be("llamajump.generate/1");
        var stats = spec.GetProperty("stats");
        stats.GetProperty("acceptance_rate").GetDouble().Should().BeInRange(0, 1);
        stats.GetProperty("agreement").GetDouble().Should().Be(1);
        stats.GetProperty("sequence_agreement").GetDouble().Should().Be(1);
        spec.GetProperty("tokens").EnumerateArray().Should().OnlyContain(t => HasDraftFlag(t));
        full.GetProperty("tokens").EnumerateArray().Should().OnlyContain(t => !HasDraftFlag(t) && t.GetProperty("exit_layer").GetInt32() == 4);
        full.GetProperty("jumps").ValueKind.Should().Be(JsonValueKind.Null, "full mode needs no jumps");
    }

    [Fact]
    public void Lambda_above_one_is_full_depth_and_lambda_zero_exits_at_the_first_candidate()
    {
        var never = Json(Generate("--mode", "exit", "--lambda", "1.5", "--max-tokens", "40", "--json", "--compare"));
        never.GetProperty("tokens").EnumerateArray().Should().OnlyContain(t => t.GetProperty("exit_layer").GetInt32() == 4);
        never.GetProperty("stats").GetProperty("agreement").GetDouble().Should().Be(1);
        never.GetProperty("jumps").GetProperty("file").GetString().Should().EndWith(".jumps.gguf", "found in the cache without --jumps");

        var always = Json(Generate("--mode", "exit", "--lambda", "0", "--max-tokens", "40", "--json"));
        int first = always.GetProperty("candidates")[0].GetInt32();
        always.GetProperty("tokens").EnumerateArray().Skip(1).Should().OnlyContain(t => t.GetProperty("exit_layer").GetInt32() == first);
        always.GetProperty("stats").GetProperty("blocks_per_token").GetDouble().Should().BeLessThan(first + 1.2);
    }

    [Fact]
    public void Plain_output_is_the_text_and_a_summary_on_stderr()
    {
        var result = Generate("--mode", "exit", "--exit-layer", "2", "--fill", "recompute", "--max-tokens", "20", "--jumps", jumps.Jumps);
        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Trim().Should().NotBeEmpty();
        result.Stderr.Should().Contain("20 tokens").And.Contain("blocks per token");
    }

    [Fact]
    public void A_quantised_kv_cache_runs_on_a_model_whose_heads_are_whole_blocks()
    {
        // head size 64: two q8_0 blocks; a quantised V turns flash attention on
        string model = Path.Combine(jumps.Directory, "wide-heads.gguf");
        if (!File.Exists(model))
        {
            var made = Cli.Run(Cli.Launcher, ["bench", "make-model", "--out", model, "--blocks", "4", "--embd", "128", "--ff", "256", "--heads", "2", "--type", "f32"]);
            made.ExitCode.Should().Be(0, made.Stderr);
        }
        var result = Cli.Run(Cli.Launcher, ["generate", "--model", model, "--prompt", Prompt, "--max-tokens", "20", "--json",
            "--cache-type-k", "q8_0", "--cache-type-v", "q8_0"]);
        Json(result).GetProperty("tokens").GetArrayLength().Should().Be(20);
        // every verb that loads a model takes the cache types: a dump with them
        var dumped = Cli.Run(Cli.Launcher, ["dump", "--model", model, "--corpus", Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"),
            "--out", Path.Combine(jumps.Directory, "wide-q8-dump"), "--train", "8", "--test", "2", "--force", "--cache-type-k", "q8_0", "--cache-type-v", "q8_0"]);
        dumped.ExitCode.Should().Be(0, dumped.Stderr);
    }

    [Theory]
    [InlineData("--cache-type-k", "q3_k", "--cache-type-k must be one of")]
    [InlineData("--cache-type-v", "f8", "--cache-type-v must be one of")]
    public void A_kv_cache_type_llama_cpp_does_not_offer_is_one_line_and_exit_code_2(string option, string value, string mentions)
    {
        var result = Generate("--mode", "full", option, value);
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(l => l.StartsWith("llamajump:", StringComparison.Ordinal))
            .Which.Should().Contain(mentions);
    }

    [Fact]
    public void A_cache_type_that_does_not_fit_the_models_rows_is_one_line_and_exit_code_2()
    {
        // stories260K: heads of 8 elements, no whole q8_0 block (32); llama.cpp would abort on it
        var result = Generate("--mode", "full", "--max-tokens", "4", "--cache-type-k", "q8_0");
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().Contain("a Q8_0 K cache needs a K head size that is a multiple of 32; this model's is 8");
    }

    [Theory]
    [InlineData("--lambda", "-0.5", "--lambda")]
    [InlineData("--lambda", "NaN", "--lambda")]
    [InlineData("--exit-layer", "9", "beyond")]
    [InlineData("--levels", "1,7", "beyond")]
    [InlineData("--max-tokens", "0", "--max-tokens")]
    public void Bad_options_are_one_line_and_exit_code_2(string option, string value, string mentions)
    {
        var result = Generate("--mode", "exit", option, value);
        result.ExitCode.Should().Be(2, result.Stderr);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("llamajump:", StringComparison.Ordinal)).ToList();
        lines.Should().ContainSingle().Which.Should().Contain(mentions);
    }

    [Fact]
    public void Exit_without_a_jump_file_says_how_to_make_one()
    {
        var emptyCache = new Dictionary<string, string?> { ["LLAMAJUMP_CACHE"] = Path.Combine(jumps.Directory, "empty-cache") };
        var result = Cli.Run(Cli.Launcher, ["generate", "--mode", "exit", "--prompt", Prompt], emptyCache);
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Should().Contain("llamajump train");
    }

    [Fact]
    public void A_jump_file_for_another_model_is_refused()
    {
        // full mode still checks a jump file it is given (the tiny model has one block: no exit mode at all)
        var result = Cli.Run(Cli.Launcher, ["generate", "--model", "llama-2-tiny-random.gguf", "--mode", "full", "--jumps", jumps.Jumps, "--prompt", Prompt], jumps.Environment);
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Should().Contain("was trained for");
    }

    [Fact]
    public void Bench_exit_prints_the_ratios_and_the_lambda_sweep()
    {
        var result = Cli.Run(Cli.Launcher, ["bench", "exit", "--tokens", "16", "--repeats", "1", "--lambdas", "0.5,0.9"], jumps.Environment);
        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("overhead of the exit machinery when nothing exits")
            .And.Contain("exit at block 1, propagate").And.Contain("spec, drafts through block 1")
            .And.Contain("blocks saved while keeping ≥ 95 % agreement");
    }

    [Fact]
    public void Bench_exit_json_has_a_row_per_configuration_and_a_point_per_lambda()
    {
        var root = Json(Cli.Run(Cli.Launcher, ["bench", "exit", "--tokens", "16", "--repeats", "1", "--lambdas", "0.5,0.9", "--json"], jumps.Environment));

        root.GetProperty("schema").GetString().Should().Be("llamajump.bench-exit/1");
        root.GetProperty("model").GetProperty("n_layer").GetInt32().Should().Be(5);
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("mode").GetString()).Should().Contain(["full", "exit", "spec"]).And.OnlyContain(m => m == "full" || m == "exit" || m == "spec");
        var full = rows.Single(r => r.GetProperty("mode").GetString() == "full");
        full.GetProperty("vs_full").GetDouble().Should().Be(1);
        full.GetProperty("blocks_per_token").GetDouble().Should().Be(5);
        foreach (var row in rows)
        {
            row.GetProperty("label").GetString().Should().NotBeNullOrEmpty();
            row.GetProperty("tokens_per_second").GetDouble().Should().BePositive();
            var acceptance = row.GetProperty("acceptance");
            if (row.GetProperty("mode").GetString() == "spec")
                acceptance.GetDouble().Should().BeInRange(0, 1);
            else
                acceptance.ValueKind.Should().Be(JsonValueKind.Null);
        }
        var sweep = root.GetProperty("sweep").EnumerateArray().ToList();
        sweep.Select(p => p.GetProperty("lambda").GetDouble()).Should().Equal(0.5, 0.9);
        sweep.Should().OnlyContain(p => p.GetProperty("agreement").GetDouble() >= 0 && p.GetProperty("agreement").GetDouble() <= 1
            && p.GetProperty("blocks_per_token").GetDouble() >= 1 && p.GetProperty("blocks_per_token").GetDouble() <= 5);
    }
}
