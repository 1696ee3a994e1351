using System.Diagnostics;
using LlamaJump.App;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Corpus;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.App.Dump;

/// <summary>How a dump run ended: the samples written by this run, the total, the seconds spent decoding+writing,
/// tokens decoded, and whether it was interrupted (resumable) or found complete already.</summary>
public sealed record DumpOutcome(int Written, int Total, int Completed, double Seconds, long Tokens, bool Interrupted, bool WasComplete);

/// <summary>
/// <c>llamajump dump</c>: samples sentences from a corpus, decodes them through the patched backend with every block
/// captured (many sentences per llama_decode, all cores), and writes the hidden states, the full model's top-1 token
/// and its log-probability into a resumable dump directory (src/Dumps/FORMAT.md). Memory is bounded by one batch.
/// Cancellation stops between batches; everything written before is kept for the next run to resume.
/// </summary>
public sealed class DumpJob(DumpOptions options) : IJob<DumpOutcome>
{
    public DumpOutcome Execute(JobContext context, CancellationToken cancel)
    {
        var models = context.Models;
        var log = context.Log;
        string modelPath = models.Resolve(options.Model);
        var gguf = Gguf.GgufFile.Read(modelPath);
        var info = ModelInfo.FromGguf(gguf);
        MemoryEstimate.EnsureFits(gguf, new SessionOptions(options.Sequences, options.MaxTokens, options.Threads));
        var corpus = CorpusReader.Read(options.Corpus);
        ReportCorpus(log, options.Corpus, corpus);
        if (corpus.Sentences.Count == 0)
        {
            throw new UserInputException($"{options.Corpus}: no usable sentences (need sentences of at least {CorpusReader.MinWords} words)");
        }
        var selection = SampleSelection.Create(corpus.Sentences.Count, options.Train, options.Test, options.Seed, options.AllowFewer);
        if (selection.ScaledDown)
        {
            log.WriteLine($"dump: --allow-fewer: taking {selection.Train.Count} train + {selection.Test.Count} test sentences instead of {options.Train} + {options.Test}");
        }

        NativeLog.Quiet(log);
        log.WriteLine($"dump: hashing {info.FileName} ({TextTable.Bytes(info.FileSizeBytes)})");
        string sha = ModelHash.Sha256(modelPath);
        using var session = ModelSession.Open(modelPath, new SessionOptions(options.Sequences, options.MaxTokens, options.Threads));
        log.WriteLine($"dump: {session.Describe()}, {options.Sequences} sentences per decode, {session.Threads.Describe()}");

        var tokens = new SentenceTokens(session, corpus.Sentences, selection.Train.Concat(selection.Test), options.MaxTokens);
        if (tokens.TruncatedCount > 0)
        {
            log.WriteLine($"dump: {tokens.TruncatedCount} sentences longer than {options.MaxTokens} tokens were truncated (see --max-tokens)");
        }
        foreach (int sentence in tokens.TooShort.Take(1))
        {
            throw new UserInputException($"sentence {sentence} tokenizes to fewer than 2 tokens; the dump needs a token of context before each position");
        }
        var plan = DumpPlan.Create(selection, options.Shard, options.Position, options.Seed, s => tokens.Of(s).Length);
        var identity = new DumpIdentity(
            new DumpModelInfo(info.FileName, sha, info.Architecture, session.NLayer, session.NEmbd, session.NVocab),
            DumpCorpusInfo.From(Path.GetFileName(Path.TrimEndingDirectorySeparator(options.Corpus)), corpus),
            options.Seed, options.Position, options.Dtype, selection.Train.Count, selection.Test.Count, options.Shard);

        // a fresh dump allocates its tensor files up front: refuse one the disk cannot hold before creating anything
        // (a dump being resumed has its files already)
        if (!Directory.Exists(options.Out) || !Directory.EnumerateFileSystemEntries(options.Out).Any())
            DumpSpaceCheck.Ensure(Path.GetDirectoryName(Path.GetFullPath(Path.TrimEndingDirectorySeparator(options.Out)))!, plan.TotalCount, session.NLayer, session.NEmbd, options.Dtype);
        using var writer = DumpWriter.OpenOrResume(options.Out, identity, plan, options.Force);
        if (writer.AlreadyComplete)
        {
            log.WriteLine($"dump: {options.Out} already holds this complete dump ({writer.TotalCount} samples); nothing to do");
            return new DumpOutcome(0, writer.TotalCount, writer.TotalCount, 0, 0, Interrupted: false, WasComplete: true);
        }
        if (writer.Resumed)
        {
            log.WriteLine($"dump: resuming {options.Out}: {writer.CompletedCount} of {writer.TotalCount} samples already written");
        }

        var decoder = new CaptureDecoder(session);
        var progress = new ProgressReporter(log, "dump", writer.TotalCount, "samples", writer.CompletedCount);
        var clock = Stopwatch.StartNew();
        int written = 0;
        long decodedTokens = 0;
        foreach (var split in DumpSplitExtensions.All)
        {
            // Decode batches are fixed groups of the plan, whatever was written before: a resumed dump decodes every
            // sample in the same company as an uninterrupted one, so its floats are bit-identical.
            var remaining = writer.Remaining(split).Select(p => p.SampleIndex).ToHashSet();
            var buffer = new DumpWriteBuffer(writer, split, session.NLayer, session.NEmbd, maxSeconds: options.SyncSeconds);
            foreach (var group in writer.Plan.Of(split).Chunk(options.Sequences))
            {
                var pending = Enumerable.Range(0, group.Length).Where(j => remaining.Contains(group[j].SampleIndex)).ToList();
                if (pending.Count == 0)
                {
                    continue;
                }
                if (cancel.IsCancellationRequested)
                {
                    written += buffer.Flush();
                    progress.Finish();
                    return new DumpOutcome(written, writer.TotalCount, writer.CompletedCount, clock.Elapsed.TotalSeconds, decodedTokens, Interrupted: true, WasComplete: false);
                }
                var sequences = group.Select(p => tokens.Of(p.SentenceIndex)[..(p.Position + 1)]).ToList();
                var batch = decoder.Decode(sequences);
                if (pending.Count < group.Length)
                {
                    batch = batch.Select(pending);
                }
                var results = pending.Select((j, k) => new DumpSampleResult(sequences[j], batch.Top1[k], batch.Top1LogProb[k], tokens.IsTruncated(group[j].SentenceIndex)));
                written += buffer.Add(batch, pending.Select(j => group[j].SampleIndex), results);
                decodedTokens += sequences.Sum(s => s.Length);
                progress.Advance(pending.Count);
            }
            written += buffer.Flush();
        }
        progress.Finish();
        writer.Complete();
        return new DumpOutcome(written, writer.TotalCount, writer.TotalCount, clock.Elapsed.TotalSeconds, decodedTokens, Interrupted: false, WasComplete: false);
    }

    private static void ReportCorpus(TextWriter log, string path, CorpusText corpus)
    {
        log.WriteLine($"dump: corpus {path}: {corpus.Sentences.Count} sentences from {corpus.Lines} lines" +
            (corpus.LooksLikeWikiText ? " (WikiText spacing restored)" : ""));
        if (corpus.InvalidBytesReplaced > 0)
        {
            log.WriteLine($"dump: corpus is not valid UTF-8: replaced {corpus.InvalidBytesReplaced} invalid bytes");
        }
    }
}
