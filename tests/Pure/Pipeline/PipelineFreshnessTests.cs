using AwesomeAssertions;
using LlamaJump.App.Pipeline;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Tests.Pure.Shortcuts;

namespace LlamaJump.Tests.Pure.Pipeline;

/// <summary>The pipeline's up-to-date decisions: by the identities in the dump manifest, the jump file and exit.json.</summary>
public sealed class PipelineFreshnessTests
{
    private static readonly string Corpus = new('c', 64);

    private static DumpManifest Manifest(string modelSha = JumpSetFixture.ModelSha, ulong seed = 42, int train = 900, int test = 100,
        TensorDtype dtype = TensorDtype.F16) => DumpManifest.For(new DumpIdentity(
            new DumpModelInfo("tiny.gguf", modelSha, "llama", 5, 8, 50),
            new DumpCorpusInfo("corpus.txt", Corpus, false, 2000, 100, 0, 0, 0, 0),
            seed, PositionPolicy.Random, dtype, train, test, Shard: null));

    private static readonly DumpExpectation Expected = new(JumpSetFixture.ModelSha, Corpus, 42, 900, 100);

    [Fact]
    public void A_dump_is_up_to_date_only_with_the_same_model_corpus_seed_and_counts()
    {
        PipelineFreshness.Dump(Manifest(), Expected).Should().BeNull();
        PipelineFreshness.Dump(Manifest(modelSha: JumpSetFixture.ModelSha.ToUpperInvariant()), Expected).Should().BeNull("hex case does not matter");

        PipelineFreshness.Dump(null, Expected).Should().Be("no complete dump");
        PipelineFreshness.Dump(Manifest(modelSha: new string('f', 64)), Expected).Should().Contain("another model");
        PipelineFreshness.Dump(Manifest(), Expected with { CorpusSha256 = new string('d', 64) }).Should().Contain("another corpus");
        PipelineFreshness.Dump(Manifest(seed: 1), Expected).Should().Contain("seed 1");
        PipelineFreshness.Dump(Manifest(train: 300), Expected).Should().Contain("300 + 100");
        PipelineFreshness.Dump(Manifest(test: 99), Expected).Should().Contain("900 + 99");
        PipelineFreshness.Dump(Manifest(dtype: TensorDtype.F32), Expected).Should().Contain("other settings");
    }

    [Fact]
    public void A_jump_file_is_up_to_date_only_when_trained_in_full_on_that_dump_of_that_model()
    {
        var jumps = JumpSetFixture.Full();

        PipelineFreshness.Jumps(jumps, Manifest()).Should().BeNull();
        PipelineFreshness.Jumps(null, Manifest()).Should().NotBeNull();
        PipelineFreshness.Jumps(jumps, Manifest(modelSha: new string('f', 64))).Should().Contain("another model");
        PipelineFreshness.Jumps(jumps, Manifest(seed: 1)).Should().Contain("another dump");
        PipelineFreshness.Jumps(jumps, Manifest(train: 901)).Should().Contain("another dump");
        PipelineFreshness.Jumps(JumpSetFixture.Full(joint: false), Manifest()).Should().Contain("lacks jumps");
        var ojfaOnly = jumps with { Levels = jumps.Levels.Select((l, k) => k == jumps.Ojfa ? l : null).ToArray(), Joint = null };
        PipelineFreshness.Jumps(ojfaOnly, Manifest()).Should().Contain("lacks jumps");
    }

    [Fact]
    public void An_exit_sweep_is_up_to_date_only_for_the_same_model_jump_file_lambdas_tokens_and_prompts()
    {
        string model = new('a', 64), jumps = new('b', 64);
        string[] prompts = ["Once upon a time"];
        var sweep = new ExitSweep(1, model, jumps, 5, 16, prompts, [1, 2, 3],
            [new ExitPoint(0.5f, 3.2, 0.3, 0.1, 600), new ExitPoint(0.8f, 4.4, 0.8, 0.3, 400)]);

        PipelineFreshness.Exit(sweep, model, jumps, [0.5f, 0.8f], 16, prompts).Should().BeNull();
        PipelineFreshness.Exit(null, model, jumps, [0.5f, 0.8f], 16, prompts).Should().NotBeNull();
        PipelineFreshness.Exit(sweep, model, new string('e', 64), [0.5f, 0.8f], 16, prompts).Should().Contain("jump file");
        PipelineFreshness.Exit(sweep, model, jumps, [0.5f], 16, prompts).Should().Contain("λ");
        PipelineFreshness.Exit(sweep, model, jumps, [0.5f, 0.8f], 32, prompts).Should().Contain("tokens");
        PipelineFreshness.Exit(sweep, model, jumps, [0.5f, 0.8f], 16, ["Another prompt"]).Should().Contain("prompts");
    }

    [Fact]
    public void Exit_json_round_trips_and_unreadable_text_reads_as_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("llamajump-exit-json-").FullName;
        try
        {
            string path = Path.Combine(dir, "exit.json");
            var sweep = new ExitSweep(1, new string('a', 64), new string('b', 64), 5, 16, ["p"], [1, 2, 3],
                [new ExitPoint(0.8f, 4.4, double.NaN, 0.3, 400)]);
            ExitSweepJson.WriteFile(path, sweep);
            var back = ExitSweepJson.TryRead(path)!;
            back.Lambdas.Should().Equal(0.8f);
            back.Points[0].Agreement.Should().BeNull("NaN is written as null");
            back.Points[0].BlocksPerToken.Should().Be(4.4);

            File.WriteAllText(path, "{ not json");
            ExitSweepJson.TryRead(path).Should().BeNull();
            ExitSweepJson.TryRead(Path.Combine(dir, "missing.json")).Should().BeNull();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
