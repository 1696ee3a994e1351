using LlamaJump.App;
using System.Diagnostics;
using LlamaJump.App.Dump;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Corpus;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>One measured configuration: wall seconds over all repeats and the tokens decoded in them.</summary>
public sealed record BenchRow(string Name, double Seconds, long Tokens)
{
    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : 0;
}

/// <summary>The dump benchmark's result; ratios are against <see cref="Plain"/>, measured side by side in one run.</summary>
public sealed record DumpBenchResult(string Model, int Samples, int SequencesPerDecode, int Repeats, int Threads, BenchRow Plain, BenchRow Capture, BenchRow Dump)
{
    /// <summary>Extra decode time with every block captured, as a fraction (0.05 = 5 % slower).</summary>
    public double CaptureOverhead => Capture.Seconds / Plain.Seconds - 1;
}

/// <summary>The options of <c>bench dump</c>: the model, the corpus, samples per repeat, sequences per decode, repeats, threads (null: the thread plan).</summary>
public sealed record DumpBenchOptions(string Model, string CorpusPath, int Samples, int Sequences, int Repeats, int? Threads);

/// <summary>
/// <c>llamajump bench dump</c>: decodes the same batches of sampled sentences with capture off and on (alternating
/// passes, so drift on a noisy machine hits both), then runs the real dump pipeline on the same samples into a
/// temporary directory — giving the capture overhead and the dump's throughput against plain decoding.
/// </summary>
public sealed class DumpBenchmark(DumpBenchOptions options) : IJob<DumpBenchResult>
{
    public DumpBenchResult Execute(JobContext context, CancellationToken cancel)
    {
        var (model, corpusPath, samples, sequences, repeats, threads) = options;
        var models = context.Models;
        var log = context.Log;
        string modelPath = models.Resolve(model);
        NativeLog.Quiet(log);
        var corpus = CorpusReader.Read(corpusPath);
        var selection = SampleSelection.Create(corpus.Sentences.Count, samples, 0, seed: 1, allowFewer: true);
        const int maxTokens = 128;
        using var session = ModelSession.Open(modelPath, new SessionOptions(sequences, maxTokens, threads));
        var tokens = new SentenceTokens(session, corpus.Sentences, selection.Train, maxTokens);
        var plan = DumpPlan.Create(selection, null, PositionPolicy.Random, 1, s => tokens.Of(s).Length);
        var batches = plan.Train.Chunk(sequences).Select(c => (IReadOnlyList<int[]>)c.Select(p => tokens.Of(p.SentenceIndex)[..(p.Position + 1)]).ToList()).ToList();
        long tokensPerPass = batches.Sum(b => b.Sum(s => (long)s.Length));
        log.WriteLine($"bench dump: {session.Describe()}, {plan.Train.Count} samples ({tokensPerPass} tokens) in {batches.Count} decodes, {repeats} repeats");

        var plain = new CaptureDecoder(session, capture: false);
        Pass(plain, batches); // warm-up: graph allocation, caches
        double plainSeconds = 0, captureSeconds = 0;
        for (int r = 0; r < repeats; r++)
        {
            // alternate which goes first; switching capture rebuilds the graph once, outside the timed passes
            bool captureFirst = r % 2 == 1;
            for (int k = 0; k < 2; k++)
            {
                bool capture = captureFirst ^ (k == 1);
                var decoder = new CaptureDecoder(session, capture);
                decoder.Decode(batches[0]);
                double seconds = Pass(decoder, batches);
                if (capture)
                {
                    captureSeconds += seconds;
                }
                else
                {
                    plainSeconds += seconds;
                }
            }
        }

        string dir = Directory.CreateTempSubdirectory("llamajump-bench-dump-").FullName;
        try
        {
            var options = new DumpOptions(modelPath, corpusPath, Path.Combine(dir, "dump"), Train: plan.Train.Count, Test: 0, Seed: 1,
                Sequences: sequences, MaxTokens: maxTokens, Threads: threads, AllowFewer: true);
            var outcome = new DumpJob(options).Execute(context.WithLog(TextWriter.Null), CancellationToken.None);
            return new DumpBenchResult(session.Describe(), plan.Train.Count, sequences, repeats, session.Threads.Batch,
                new BenchRow("plain decode", plainSeconds, tokensPerPass * repeats),
                new BenchRow("decode + capture (all blocks)", captureSeconds, tokensPerPass * repeats),
                new BenchRow("full dump (decode, capture, f16 write)", outcome.Seconds, outcome.Tokens));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Pass(CaptureDecoder decoder, List<IReadOnlyList<int[]>> batches)
    {
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            decoder.Decode(batch);
        }
        return clock.Elapsed.TotalSeconds;
    }
}
