using LlamaJump.App.Bench;
using LlamaJump.App.Dump;
using LlamaJump.Dumps;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;
using LlamaJump.App;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// A quiet random llama and a jump trained at its quiet block, built once per test process and weight type (5–8 s on
/// 2 cores) in a temp directory deleted when the process exits, and shared by every test that asks:
/// <list type="number">
/// <item>the model, written by <see cref="MakeModelJob"/> as <c>llamajump bench make-model --blocks 8 --embd 128
/// --ff 352 --heads 4 --type f32 --quiet-after 3 --stream-rank 32 --head-scale 50</c> would: blocks 4–7 at 1 % of
/// their residual writes, the stream in 32 of the 128 coordinates, a head sharp enough for λ to matter
/// (<see cref="Shared"/>); <see cref="Quantized"/> is the same model with <c>--type q8_0</c>, ggml's quantisation of
/// the same weights, dumped and trained on its own;</item>
/// <item>a dump of 500 WikiText-2 test sentences (one random position each) by <see cref="DumpJob"/>;</item>
/// <item>the jump from block 3 to block 7 (eq. 1) trained on it by <see cref="JumpTrainer"/>.</item>
/// </list>
/// </summary>
internal sealed class QuietModel
{
    public const int Blocks = 8;
    public const int Embd = 128;
    public const int QuietAfter = 3;
    public const int StreamRank = 32;

    /// <summary>The jump's rank, above the paper's ⌊H/100⌋ (8 here, the project's floor), which cannot hold the
    /// near-identity a quiet model's jump has to be. Rank 127, the most below n_embd the trainer allows, fits it
    /// to a relative squared error of about 1e-5 in 200 full-batch steps on this 32-coordinate stream. Measured
    /// while choosing: rank 32 (the stream's) could hold it too, but Adam from nn.Linear's initialisation reached
    /// only 0.18 in that budget; rank 127 on a stream spanning all 128 coordinates reached 7e-3 on 3 000
    /// sentences, and drafts of 4 were accepted 46–56 % of the time.</summary>
    public const int JumpRank = Embd - 1;

    private const int TrainSentences = 500;

    private static readonly Lazy<QuietModel> BuiltF32 = new(() => Build("f32"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<QuietModel> BuiltQ8 = new(() => Build("q8_0"), LazyThreadSafetyMode.ExecutionAndPublication);

    private QuietModel(string path, ExitJump jump, JumpFitSummary fit)
    {
        ModelPath = path;
        Jump = jump;
        Fit = fit;
    }

    public static QuietModel Shared => BuiltF32.Value;

    /// <summary>The Q8_0 model (every 2-D tensor quantised by ggml; 128 and 352 are whole 32-element blocks).</summary>
    public static QuietModel Quantized => BuiltQ8.Value;

    public string ModelPath { get; }

    /// <summary>The jump trained at block <see cref="QuietAfter"/>.</summary>
    public ExitJump Jump { get; }

    public JumpFitSummary Fit { get; }

    private static QuietModel Build(string type)
    {
        string dir = Directory.CreateTempSubdirectory("llamajump-quiet-model-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        var made = new MakeModelJob(new MakeModelOptions(Path.Combine(dir, $"quiet-{type}.gguf"), Blocks, Embd, Ff: 352, Heads: 4, HeadsKv: 4,
            Type: type, Vocab: Path.Combine(TestPaths.Shared, "models", "vocab", "ggml-vocab-llama-spm.gguf"), Seed: 1,
            QuietAfter: QuietAfter, StreamRank: StreamRank, HeadScale: 50)).Execute(JobContext.Quiet(new ModelResolver(dir, null, dir)), CancellationToken.None);

        string dumpDir = Path.Combine(dir, "dump");
        new DumpJob(new DumpOptions(made.Path, Path.Combine(TestPaths.Shared, "data", "wikitext-2", "wiki.test.raw"), dumpDir,
            Train: TrainSentences, Test: 10, Dtype: Dumps.Safetensors.TensorDtype.F32, Threads: 1))
            .Execute(JobContext.Quiet(new ModelResolver(dir, null, dir)), CancellationToken.None);

        // only the one level the tests use: blocks K and L−1 as the rows of a two-block model, whose single exit
        // level is the jump from K to L−1 — what training every level would give for K (levels train independently)
        InMemoryJumpRows rows;
        using (var dump = DumpReader.Open(dumpDir))
        {
            var split = dump.Split(DumpSplit.Train);
            rows = new InMemoryJumpRows([split.ReadBlock(QuietAfter), split.ReadBlock(Blocks - 1)], Embd, $"quiet dump, blocks {QuietAfter} and {Blocks - 1}");
        }
        TorchRuntime.ConfigureThreads(1);
        var options = new JumpTrainingOptions
        {
            Rank = JumpRank,
            Epochs = 200,
            BatchSize = TrainSentences, // every training row in one batch: one step per epoch
            LearningRate = 0.01,
            Patience = 20,
            TrainJoint = false,
        };
        var result = JumpTrainer.Train(rows, options);
        return new QuietModel(made.Path, result.Levels[0].ToExitJump(QuietAfter), result.LevelSummaries[0]);
    }
}
