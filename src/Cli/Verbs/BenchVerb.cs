using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump bench dump</c>: ratios measured side by side in one run (not absolute timings, which are
/// meaningless on a shared machine). <c>llamajump bench make-model</c>: a random-weight model of one of llama.cpp's
/// architectures at a realistic shape to benchmark on, or a tiny one to test with.</summary>
public static class BenchVerb
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var corpus = new Option<string>("--corpus") { Description = "Corpus to sample sentences from", DefaultValueFactory = _ => SharedData.DefaultCorpus };
        var samples = new Option<int>("--samples") { Description = "Sampled sentences per pass", DefaultValueFactory = _ => 512 };
        var sequences = new Option<int>("--sequences") { Description = "Sentences per decode", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "Alternating plain/capture passes", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: the cores this process may use, one per token for a small model; see doctor)" };
        var dump = new Command("dump", "Capture overhead and dump throughput against plain decoding") { model, corpus, samples, sequences, repeats, threads };
        dump.SetAction(parse => JobRunner.Run(context, () =>
        {
            if (parse.GetValue(samples) < 1 || parse.GetValue(sequences) < 1 || parse.GetValue(repeats) < 1)
            {
                throw new UserInputException("--samples, --sequences and --repeats must be positive");
            }
            var result = new DumpBenchmark(new DumpBenchOptions(parse.GetValue(model)!, parse.GetValue(corpus)!, parse.GetValue(samples),
                parse.GetValue(sequences), parse.GetValue(repeats), parse.GetValue(threads))).Execute(context, CancellationToken.None);
            Print(context.Out, result);
            return ExitCodes.Success;
        }));
        return new Command("bench", "Benchmarks that print ratios measured side by side") { dump, MakeModel(context), BenchExitCommand.Create(context), BenchLoadCommand.Create(context), BenchChatCommand.Create(context), BenchConversationCommand.Create(context), BenchParityCommand.Create(context) };
    }

    private static Command MakeModel(JobContext context)
    {
        var output = new Option<string>("--out") { Description = "GGUF file to write", Required = true };
        var preset = new Option<string?>("--preset")
        {
            Description = $"One of the paper's shapes and architectures with its tokenizer: {ModelPreset.Names}; the shape options below override its values",
        };
        var arch = new Option<string?>("--arch")
        {
            Description = $"Architecture (llama.cpp's name): {string.Join(", ", RandomModelLayout.Architectures)} (default: llama, or the --preset's); without --vocab it takes a tokenizer of its family (GPT-2's BPE for qwen2, qwen3, phi2, stablelm, starcoder2, olmo2, granite; Llama-2's SentencePiece for gemma*)",
        };
        var fusedQkv = new Option<bool>("--fused-qkv")
        {
            Description = "With --arch llama: one fused attn_qkv per block instead of attn_q, attn_k and attn_v (llama.cpp loads either)",
        };
        var blocks = new Option<int?>("--blocks") { Description = $"Transformer blocks (default: {MakeModelOptions.DefaultBlocks})" };
        var embd = new Option<int?>("--embd") { Description = $"Hidden size n_embd (default: {MakeModelOptions.DefaultEmbd})" };
        var ff = new Option<int?>("--ff") { Description = $"Feed-forward size n_ff (default: {MakeModelOptions.DefaultFf})" };
        var heads = new Option<int?>("--heads") { Description = $"Attention heads (default: {MakeModelOptions.DefaultHeads})" };
        var headsKv = new Option<int?>("--heads-kv") { Description = "Key/value heads (default: --heads)" };
        var type = new Option<string>("--type")
        {
            Description = $"Weight type of the 2-D tensors: {WeightTypes.Names} (quantised by ggml's own quantisers; rows that are not whole blocks take llama.cpp's fallback)",
            DefaultValueFactory = _ => "f16",
        };
        var vocab = new Option<string>("--vocab") { Description = "Vocab-only GGUF whose tokenizer the model takes (default: the shared vocab of the --arch's family, the Llama-2 32k vocab for llama)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random weights", DefaultValueFactory = _ => 1 };
        var quietAfter = new Option<int?>("--quiet-after")
        {
            Description = "A test/benchmark model: blocks K+1 … blocks−1 (0-based) get their attn_output and ffn_down scaled by --quiet-scale, so an early exit at block K agrees with the full model (K in 0 … blocks−2)",
        };
        var quietScale = new Option<double?>("--quiet-scale")
        {
            Description = $"With --quiet-after: the factor S on those projections, positive (default: {QuietBlocks.DefaultScale.ToString(CultureInfo.InvariantCulture)})",
        };
        var streamRank = new Option<int?>("--stream-rank")
        {
            Description = "Keep the residual stream in its first D coordinates (1 … embd−1), so that a jump can hold the identity a quiet model's early exit needs (train it with --rank near embd) (default: the full width)",
        };
        var headScale = new Option<double>("--head-scale")
        {
            Description = "Factor on output.weight (and output.bias): the same argmax (greedy output), a sharper softmax; at 1 the top probability is ~1e-4 and no λ ever exits, tens make most predictions confident (not for gemma, gemma2, which tie the output to token_embd)",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("make-model", "Write a random-weight GGUF of one of llama.cpp's architectures at a realistic shape, plain or quantised (reused when the file already holds it)")
        {
            output, preset, arch, fusedQkv, blocks, embd, ff, heads, headsKv, type, vocab, seed, quietAfter, quietScale, streamRank, headScale,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            string home = ModelResolver.LocateHome();
            var basis = parse.GetValue(preset) is { } name
                ? MakeModelOptions.FromPreset(name, parse.GetValue(output)!, home, parse.GetValue(type)!, parse.GetValue(seed))
                : new MakeModelOptions(parse.GetValue(output)!, MakeModelOptions.DefaultBlocks, MakeModelOptions.DefaultEmbd, MakeModelOptions.DefaultFf,
                    MakeModelOptions.DefaultHeads, MakeModelOptions.DefaultHeads, parse.GetValue(type)!, MakeModelOptions.DefaultVocab(home), parse.GetValue(seed));
            int h = parse.GetValue(heads) ?? basis.Heads;
            string? architecture = parse.GetValue(arch);
            var options = basis with
            {
                Architecture = architecture ?? basis.Architecture,
                FusedQkv = parse.GetValue(fusedQkv),
                Blocks = parse.GetValue(blocks) ?? basis.Blocks,
                Embd = parse.GetValue(embd) ?? basis.Embd,
                Ff = parse.GetValue(ff) ?? basis.Ff,
                Heads = h,
                HeadsKv = parse.GetValue(headsKv) ?? (parse.GetValue(heads) is null ? basis.HeadsKv : h),
                Vocab = parse.GetValue(vocab) ?? (architecture is null ? basis.Vocab : MakeModelOptions.DefaultVocab(home, architecture)),
                QuietAfter = parse.GetValue(quietAfter),
                QuietScale = parse.GetValue(quietScale),
                StreamRank = parse.GetValue(streamRank),
                HeadScale = parse.GetValue(headScale),
            };
            using var interruption = new Interruption(context.Error);
            MakeModelResult result;
            try
            {
                result = new MakeModelJob(options).Execute(context, interruption.Token);
            }
            catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
            {
                context.Error.WriteLine("llamajump: make-model interrupted; no file was written");
                return ExitCodes.Interrupted;
            }
            Print(context.Out, result);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(TextWriter o, MakeModelResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var spec = r.Plan.Spec;
        string what = r.Reused ? "reused (same spec)" : string.Create(inv, $"{(r.Replaced ? "replaced" : "built")} in {r.Seconds:0.0} s");
        o.WriteLine($"bench make-model: {what}");
        o.WriteLine($"path   {r.Path}");
        o.WriteLine(string.Create(inv, $"size   {r.FileBytes / 1e6:0.0} MB ({r.FileBytes} bytes)"));
        o.WriteLine(string.Create(inv,
            $"shape  {spec.Architecture}, {spec.BlockCount} blocks, n_embd {spec.EmbeddingLength}, n_ff {spec.FeedForwardLength}, {spec.HeadCount} heads ({spec.HeadCountKv} KV, head size {spec.HeadDim}), {r.Plan.WeightType} weights, vocab {r.Plan.VocabSize}, seed {spec.Seed}"));
        foreach (var fallback in r.Plan.Tensors.Where(t => t.Dims.Length > 1 && r.Plan.TypeOf(t) != r.Plan.WeightType).GroupBy(r.Plan.TypeOf))
        {
            o.WriteLine($"types  {fallback.Count()} tensors whose rows are not whole {WeightTypes.Name(r.Plan.WeightType)} blocks are {WeightTypes.Name(fallback.Key)} (llama.cpp's fallback)");
        }
        if (spec.FusedQkv)
        {
            o.WriteLine("qkv    one fused attn_qkv per block");
        }
        if (spec.Quiet is { } quiet)
        {
            o.WriteLine(string.Create(inv,
                $"quiet  blocks {quiet.After + 1}-{spec.BlockCount - 1}: attn_output and ffn_down scaled by {quiet.Scale:R} (a test model: an exit at block {quiet.After} agrees with the full model)"));
        }
        if (spec.StreamRank is { } rank)
        {
            o.WriteLine($"stream coordinates 0-{rank - 1} of {spec.EmbeddingLength}");
        }
        if (spec.HeadScale != 1)
        {
            o.WriteLine(string.Create(inv, $"head   output.weight scaled by {spec.HeadScale:R}"));
        }
    }

    private static void Print(TextWriter o, DumpBenchResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"bench dump: {r.Model}, {r.Samples} samples, {r.SequencesPerDecode} per decode, {r.Repeats} repeats, {r.Threads} threads");
        var rows = new[] { r.Plain, r.Capture, r.Dump }.Select(row => (IReadOnlyList<string>)
        [
            row.Name,
            row.Seconds.ToString("0.000", inv),
            row.TokensPerSecond.ToString("0", inv),
            (row.TokensPerSecond / r.Plain.TokensPerSecond).ToString("0.00", inv),
        ]).ToList();
        TextTable.Write(o, ["", "SECONDS", "TOKENS/S", "VS PLAIN"], rows, new HashSet<int> { 1, 2, 3 });
        o.WriteLine(string.Create(inv, $"capture overhead: {r.CaptureOverhead:+0.0%;-0.0%} decode time (target: at most +10%)"));
        o.WriteLine(string.Create(inv, $"dump throughput: {r.Dump.TokensPerSecond / r.Plain.TokensPerSecond:0.00}x plain decoding"));
    }
}
