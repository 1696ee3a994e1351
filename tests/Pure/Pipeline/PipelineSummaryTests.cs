using AwesomeAssertions;
using LlamaJump.App.Pipeline;

namespace LlamaJump.Tests.Pure.Pipeline;

/// <summary>summary.json and summary.md from model outcomes, without running anything.</summary>
public sealed class PipelineSummaryTests
{
    private static readonly PipelineCorpus Corpus = new("/data/wiki.test.raw", new string('c', 64), 300, 60);

    private static ModelOutcome Skipped(string name) => new($"/models/{name}.gguf", new ModelLayout($"runs/{name}"), 0, null,
        PipelineSteps.All.Select(s => new StepRecord(s, StepState.Skipped, null, null)).ToList(), 300, 60, null,
        new ExitSweep(1, "a", "b", 5, 8, ["p"], [1, 2, 3], [new ExitPoint(0.8f, 4.5, 0.75, 0.5, 300)]));

    private static ModelOutcome Broken(string name) => new($"/models/{name}.gguf", new ModelLayout($"runs/{name}"), 2,
        $"{name}.gguf: not a GGUF file", [new StepRecord(PipelineSteps.Dump, StepState.Failed, 0.01, "not a GGUF file")], null, null, null, null);

    [Fact]
    public void Skipped_steps_and_a_failed_model_are_told_apart_in_json_and_markdown()
    {
        var options = new PipelineOptions(["/models/good.gguf", "/models/bad.gguf"], Corpus.Path, "runs", 300, 60);
        var summary = PipelineSummary.Build(options, Corpus, [Skipped("good"), Broken("bad")], exitCode: 2);

        summary.AllSucceeded.Should().BeFalse();
        var good = summary.Models[0];
        good.Status.Should().Be(ModelSummary.Ok);
        good.Directory.Should().Be("good");
        good.Steps.Values.Select(s => s.State).Should().AllBe("skipped");
        good.EarlyExit.Should().ContainSingle().Which.BlocksPerToken.Should().Be(4.5);
        var bad = summary.Models[1];
        bad.Status.Should().Be(ModelSummary.Failed);
        bad.Error.Should().Be("bad.gguf: not a GGUF file");
        bad.Steps["dump"].State.Should().Be("failed");
        bad.Steps["train"].State.Should().Be("not_run");

        string md = PipelineSummaryWriter.Markdown(summary);
        md.Should().Contain("| good | skipped (up to date) | skipped (up to date) | skipped (up to date) | skipped (up to date) |");
        md.Should().Contain("failed (exit 2): bad.gguf: not a GGUF file");
        md.Should().Contain("| good | 0.8 | 4.50 |");

        string json = PipelineSummaryWriter.Json(summary);
        json.Should().Contain("\"all_succeeded\": false").And.Contain("\"exit_code\": 2").And.Contain("\"early_exit\"");
        var back = PipelineSummaryWriter.Parse(json)!;
        back.Models.Select(m => m.Status).Should().Equal("ok", "failed");
        back.Models[1].Steps["train"].State.Should().Be("not_run");
    }
}
