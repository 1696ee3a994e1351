using System.Text.Json;
using System.Text.RegularExpressions;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump pipeline</c> and <c>demo</c> as a user runs them, on stories260K with small samples: every
/// output and the summary, a rerun that skips every step, a changed setting that redoes only its step, a broken model
/// among good ones. Each process gets its own LLAMAJUMP_CACHE so the user's cache is untouched.</summary>
public sealed partial class PipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-pipeline-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string?> Environment => new() { ["LLAMAJUMP_CACHE"] = Path.Combine(_dir, "cache") };

    private CommandResult Llamajump(params string[] args) => Cli.Run(Cli.Launcher, args, Environment, timeoutSeconds: 600);

    private static string Corpus => Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw");

    private static JsonElement Summary(string output) => JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement;

    private static Dictionary<string, string> States(JsonElement model) =>
        model.GetProperty("steps").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("state").GetString()!);

    [Fact]
    public void A_pipeline_killed_during_its_dump_resumes_the_dump_on_the_rerun()
    {
        string output = Path.Combine(_dir, "killed");
        string[] args = ["pipeline", "--models", "stories260K", "--corpus", Corpus, "--train", "1500", "--test", "100", "--tokens", "4", "--lambdas", "0.9", "--out", output];
        string journal = Path.Combine(output, "stories260K", "dump", "progress", "train.journal.jsonl");
        using (var process = Cli.Start(Cli.Launcher, args, Environment))
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!(File.Exists(journal) && new FileInfo(journal).Length > 0) && !process.HasExited && DateTime.UtcNow < deadline)
                Thread.Sleep(5);
            process.HasExited.Should().BeFalse("the pipeline must still be dumping when it is killed");
            process.Kill(entireProcessTree: true); // SIGKILL
            process.WaitForExit();
        }
        File.Exists(Path.Combine(output, "summary.json")).Should().BeFalse("a killed run presents no summary");
        File.Exists(Path.Combine(output, "stories260K", "dump", "manifest.json")).Should().BeFalse();

        var rerun = Llamajump(args);

        rerun.ExitCode.Should().Be(0, rerun.Stderr);
        rerun.Stderr.Should().Contain("resuming");
        Summary(output).GetProperty("all_succeeded").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void The_pipeline_writes_every_output_and_the_summary_and_a_rerun_skips_every_step()
    {
        string output = Path.Combine(_dir, "runs");
        string[] args = ["pipeline", "--models", "stories260K", "--corpus", Corpus, "--train", "300", "--test", "60", "--tokens", "8", "--out", output];

        var first = Llamajump(args);

        first.ExitCode.Should().Be(0, first.Stderr);
        string model = Path.Combine(output, "stories260K");
        File.Exists(Path.Combine(model, "dump", "manifest.json")).Should().BeTrue();
        File.Exists(Path.Combine(model, "jumps.gguf")).Should().BeTrue();
        File.Exists(Path.Combine(model, "eval", "results.json")).Should().BeTrue();
        File.Exists(Path.Combine(model, "eval", "report.md")).Should().BeTrue();
        Directory.GetFiles(Path.Combine(model, "eval"), "*.png").Should().HaveCountGreaterThanOrEqualTo(3);
        File.Exists(Path.Combine(model, "exit.json")).Should().BeTrue();
        File.ReadAllText(Path.Combine(output, "summary.md")).Should().Contain("stories260K").And.Contain("| λ |");
        first.Stdout.Should().Contain(Path.Combine(output, "summary.json"));

        var summary = Summary(output);
        summary.GetProperty("all_succeeded").GetBoolean().Should().BeTrue();
        summary.GetProperty("exit_code").GetInt32().Should().Be(0);
        var stories = summary.GetProperty("models").EnumerateArray().Single();
        stories.GetProperty("status").GetString().Should().Be("ok");
        stories.GetProperty("train_count").GetInt32().Should().Be(300);
        stories.GetProperty("test_count").GetInt32().Should().Be(60);
        stories.GetProperty("ojfa").GetInt32().Should().BeInRange(0, 3); // 5 blocks: exit levels 0 … 3
        stories.GetProperty("ojfa_softmax_weight").GetDouble().Should().BeInRange(0, 1);
        var methods = stories.GetProperty("methods");
        foreach (string method in new[] { "identity", "nnjtc", "ojfa", "arbitrary_mean", "joint" })
            methods.GetProperty(method).GetProperty("mean_precision").GetDouble().Should().BeInRange(0, 1, method);
        var parameters = stories.GetProperty("parameters");
        parameters.GetProperty("multi_jump").GetInt64().Should().Be(4 * parameters.GetProperty("single_jump").GetInt64());
        parameters.GetProperty("ratio").GetDouble().Should().Be(4);
        var points = stories.GetProperty("early_exit").EnumerateArray().ToList();
        points.Select(p => p.GetProperty("lambda").GetDouble()).Should().Equal(0.5, 0.8, 0.95);
        points.Should().OnlyContain(p => p.GetProperty("blocks_per_token").GetDouble() > 0 && p.GetProperty("blocks_per_token").GetDouble() <= 5);
        States(stories).Values.Should().AllBe("done");
        stories.GetProperty("steps").EnumerateObject().Should().OnlyContain(s => s.Value.GetProperty("seconds").GetDouble() > 0);
        string jumps = File.ReadAllText(Path.Combine(model, "jumps.gguf"));

        var second = Llamajump(args);

        second.ExitCode.Should().Be(0, second.Stderr);
        States(Summary(output).GetProperty("models")[0]).Values.Should().AllBe("skipped");
        Regex.Matches(second.Stderr, "skipped \\(up to date\\)").Should().HaveCount(4, second.Stderr);
        second.Stderr.Should().NotContain("dump: corpus", "the dump is not even opened");
        File.ReadAllText(Path.Combine(model, "jumps.gguf")).Should().Be(jumps);

        // another λ list changes only the early-exit step's identity
        var third = Llamajump([.. args, "--lambdas", "0.9"]);

        third.ExitCode.Should().Be(0, third.Stderr);
        var states = States(Summary(output).GetProperty("models")[0]);
        states.Should().Equal(new Dictionary<string, string> { ["dump"] = "skipped", ["train"] = "skipped", ["eval"] = "skipped", ["exit"] = "done" });
        Summary(output).GetProperty("models")[0].GetProperty("early_exit").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public void A_broken_model_is_reported_and_the_good_one_still_completes()
    {
        string models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        string good = Path.Combine(models, "stories260K.gguf"), broken = Path.Combine(models, "broken.gguf");
        File.Copy(Path.Combine(Cli.Shared, "models", "gguf", "stories260K.gguf"), good);
        File.WriteAllBytes(broken, File.ReadAllBytes(good)[..300_000]);
        string output = Path.Combine(_dir, "runs");

        var result = Llamajump("pipeline", "--models", broken, good, "--corpus", Corpus, "--train", "120", "--test", "30",
            "--tokens", "4", "--lambdas", "0.8", "--out", output);

        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stderr.Should().Contain("broken: error: broken.gguf");
        var summary = Summary(output);
        summary.GetProperty("all_succeeded").GetBoolean().Should().BeFalse();
        summary.GetProperty("exit_code").GetInt32().Should().Be(2);
        var byName = summary.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("model").GetString()!);
        byName["broken"].GetProperty("status").GetString().Should().Be("failed");
        byName["broken"].GetProperty("exit_code").GetInt32().Should().Be(2);
        byName["broken"].GetProperty("error").GetString().Should().StartWith("broken.gguf").And.NotContain("\n");
        States(byName["broken"])["dump"].Should().Be("failed");
        byName["stories260K"].GetProperty("status").GetString().Should().Be("ok");
        States(byName["stories260K"]).Values.Should().AllBe("done");
        File.Exists(Path.Combine(output, "stories260K", "eval", "report.md")).Should().BeTrue();
        File.ReadAllText(Path.Combine(output, "summary.md")).Should().Contain("broken.gguf");
    }

    [Fact]
    public void The_demo_tells_the_whole_story_and_shows_every_tokens_exit_block()
    {
        string output = Path.Combine(_dir, "demo");

        var result = Llamajump("demo", "--out", output, "--train", "200", "--test", "40");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("OJFA chose jump").And.Contain("generate --mode exit").And.Contain("generate --mode spec");
        TokenWithExitBlock().Matches(result.Stdout).Count.Should().BeGreaterThan(10, result.Stdout);
        foreach (string file in new[] { "summary.md", "summary.json", "stories260K/jumps.gguf", "stories260K/eval/report.md", "stories260K/exit.json" })
            File.Exists(Path.Combine(output, file)).Should().BeTrue(file);
        result.Stdout.Should().Contain("report.md").And.Contain("figure3-dm-softmax.png");
    }

    [GeneratedRegex(@"\S\[[0-4]\]")]
    private static partial Regex TokenWithExitBlock();
}
