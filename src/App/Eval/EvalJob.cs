using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Dump;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.App.Eval;

/// <summary>What an evaluation run produced: the report and the files written.</summary>
public sealed record EvalOutcome(EvalReport Report, IReadOnlyList<string> Files);

/// <summary>
/// <c>llamajump eval</c>: checks that the dump, the jump file and the model belong together (the model file's sha256
/// equals the dump manifest's; the jump file was trained for that model), scores every shortcut on the dump's test
/// split through the model's own head (<see cref="JumpEvaluator"/>), and writes results.json, results.csv, the figures
/// and report.md into the results directory (<see cref="ReportWriter"/>). Logs go to <paramref name="log"/>.
/// <para>Resumable: every finished exit level is kept in <see cref="ProgressDirectory"/> inside the results directory,
/// and a rerun into the same directory with the same inputs resumes at the first level not finished; the directory is
/// removed once the results are written. The token stops the run before the next batch of rows
/// (<see cref="OperationCanceledException"/>).</para>
/// </summary>
public sealed class EvalJob(EvalOptions options) : IJob<EvalOutcome>
{
    public EvalOutcome Execute(JobContext context, CancellationToken cancel)
    {
        var models = context.Models;
        var log = context.Log;
        using var dump = DumpReader.Open(options.Dump);
        var manifest = dump.Manifest;
        var test = dump.Split(DumpSplit.Test);
        if (test.Count == 0)
        {
            throw new UserInputException($"{options.Dump} has no test samples (dump it with --test N)");
        }
        var jumps = JumpFile.Read(options.Jumps);
        JumpFile.EnsureMatches(jumps, manifest.Identity.Model.Sha256, manifest.Identity.Model.NLayer, manifest.Identity.Model.NEmbd,
            $"{manifest.Identity.Model.File}, the model of the dump in {options.Dump}");
        if (!string.Equals(jumps.Identity.CorpusSha256, manifest.Identity.Corpus.Sha256, StringComparison.OrdinalIgnoreCase)
            || jumps.Identity.DumpSeed != manifest.Identity.Seed)
        {
            log.WriteLine($"eval: warning: the jumps were trained on another dump (corpus {JumpFile.Short(jumps.Identity.CorpusSha256)}, seed {jumps.Identity.DumpSeed}) than {options.Dump} (corpus {JumpFile.Short(manifest.Identity.Corpus.Sha256)}, seed {manifest.Identity.Seed}); its test sentences may overlap their training sentences");
        }

        string modelPath = models.Resolve(options.Model ?? manifest.Identity.Model.File);
        log.WriteLine($"eval: hashing {Path.GetFileName(modelPath)}");
        string sha = ModelHash.Sha256(modelPath);
        if (!string.Equals(sha, manifest.Identity.Model.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new UserInputException(
                $"{modelPath} (sha256 {JumpFile.Short(sha)}) is not the model the dump in {options.Dump} was taken from ({manifest.Identity.Model.File}, sha256 {JumpFile.Short(manifest.Identity.Model.Sha256)}); pass that model with --model");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Path.TrimEndingDirectorySeparator(options.Out)))!);
        using var outputLock = OutputLock.ForOutput(options.Out); // held from here: the progress directory is inside
        NativeLog.Quiet(log);
        using var session = ModelSession.Open(modelPath, new SessionOptions(SequenceCount: 1, MaxTokens: 16, Threads: options.Threads));
        var settings = new EvalSettings(options.Arbitrary, options.BatchRows, options.Threads, options.ArbitraryRows);
        var evaluator = new JumpEvaluator(new ModelSessionHead(session), settings);
        var samples = new DumpEvalSamples(test);
        EvalPlan plan;
        try
        {
            plan = evaluator.Plan(samples, jumps);
        }
        catch (EvaluationException e)
        {
            throw new UserInputException(e.Message);
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval: {session.Describe()}; {test.Count} test samples; {Methods(plan, test.Count)}; {plan.HeadVectors} hidden vectors through the head, {settings.RowsPerCall(session.NVocab)} per call, {settings.EffectiveThreads} threads"));

        var store = EvalProgressDirectory.Open(Path.Combine(options.Out, ProgressDirectory), Fingerprint(manifest, test.Count, sha, options.Jumps));
        if (store.Discarded > 0)
            log.WriteLine($"eval: discarded {store.Discarded} level(s) of progress left by an evaluation of other inputs in {store.Directory}");
        var (keptLevels, keptVectors) = evaluator.Kept(plan, samples, store);
        if (keptLevels > 0)
            log.WriteLine($"eval: resuming: {keptLevels} of {plan.Keys.Count} levels finished by an earlier run ({keptVectors} of {plan.HeadVectors} vectors), kept in {store.Directory}");

        var progress = new ProgressReporter(log, "eval", plan.HeadVectors, "vectors", alreadyDone: keptVectors);
        EvalResult result;
        try
        {
            result = evaluator.Evaluate(samples, jumps, progress.Advance, store, cancel);
        }
        catch (EvaluationException e)
        {
            throw new UserInputException(e.Message);
        }
        finally
        {
            progress.Finish();
        }
        var speed = result.Throughput;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval: {speed.HeadVectors} rows (hidden vectors) through the head in {speed.TotalSeconds:0.00} s elapsed: head throughput {speed.HeadVectorsPerSecond:0} rows/s ({speed.HeadSeconds:0.00} s in the head), {speed.VectorsPerSecond:0} rows/s overall"));
        CheckSanity(result.Sanity, manifest.Identity.Dtype, log);

        var report = EvalReport.Create(manifest, options.Jumps, jumps, result);
        var files = ReportWriter.WriteAll(report, options.Out);
        store.Delete();
        log.WriteLine($"eval: wrote {string.Join(", ", files.Select(Path.GetFileName))} to {Path.GetFullPath(options.Out)}");
        return new EvalOutcome(report, files);
    }

    /// <summary>The directory inside the results directory that keeps finished levels until the results are written
    /// (<see cref="EvalProgressDirectory"/>).</summary>
    public const string ProgressDirectory = "eval-progress";

    /// <summary>What the kept levels were computed from: the model, the dump's identity and test count, and the jump
    /// file's bytes. The evaluator checks the rest (the plan's keys and row counts) level by level; threads and batch
    /// size change nothing beyond float rounding inside the head.</summary>
    private static string Fingerprint(DumpManifest manifest, int testSamples, string modelSha256, string jumpsPath)
    {
        var identity = manifest.Identity;
        return string.Join(';', "model " + modelSha256, "corpus " + identity.Corpus.Sha256, "seed " + identity.Seed.ToString(CultureInfo.InvariantCulture),
            "dtype " + identity.Dtype.LowerName(), "test " + testSamples.ToString(CultureInfo.InvariantCulture), "jumps " + FileSha256(jumpsPath));
    }

    private static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>head(h^{L−1}) is the full model: on an f32 dump every top-1 must come back (anything else means the
    /// head, the model or the dump is wrong); an f16 dump rounds h^{L−1}, which can flip near-ties, so it only
    /// warns there.</summary>
    private static void CheckSanity(SanityCheck sanity, TensorDtype dtype, TextWriter log)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"identity at the last block (h^{sanity.Level}): precision {sanity.Precision:0.0000}, surprisal {sanity.Surprisal:0.0000} nats (the dump's own: {sanity.DumpSurprisal:0.0000})");
        if (sanity.Precision == 1.0)
        {
            log.WriteLine($"eval: sanity: {line}");
        }
        else if (dtype == TensorDtype.F32)
        {
            throw new InvalidOperationException($"sanity check failed: {line}; the head does not reproduce the full model's predictions");
        }
        else
        {
            log.WriteLine($"eval: sanity: {line}; below 1 only through {dtype.LowerName()} rounding of h^{sanity.Level} at near-ties");
        }
    }

    private static string Methods(EvalPlan plan, int testSamples)
    {
        var names = new List<string> { "identity" };
        if (plan.Nnjtc) names.Add("N-NJTC");
        if (plan.Ojfa) names.Add("OJFA");
        if (plan.Joint) names.Add("joint");
        if (plan.Arbitrary.Count > 0)
        {
            names.Add($"{plan.Arbitrary.Count} arbitrary jump{(plan.Arbitrary.Count == 1 ? "" : "s")} ({string.Join(",", plan.Arbitrary)}"
                + (plan.ArbitrarySample is { } s ? $", a sample of {s.Size} of {s.Available}, seed {s.Seed}" : "")
                + (plan.ArbitraryRows < testSamples ? $", on the first {plan.ArbitraryRows} test samples)" : ")"));
        }
        return string.Join(", ", names);
    }
}
