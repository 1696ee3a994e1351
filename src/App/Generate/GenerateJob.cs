using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Generate;

/// <summary><c>llamajump generate</c>'s work: open the model and its jumps, plan spec mode, generate, compare.</summary>
public sealed class GenerateJob(GenerateOptions options) : IJob<GenerateResult>
{
    public GenerateResult Execute(JobContext context, CancellationToken cancel)
    {
        var models = context.Models;
        var log = context.Log;
        string path = models.Resolve(options.Model);
        var info = ModelInfo.Read(path);
        int nLayer = info.BlockCount;
        if (nLayer < 2 && options.Mode != GenerationMode.Full)
            throw new UserInputException($"{info.FileName} has {nLayer} block(s): early exit needs an exit block before the last");
        if (options.ExitLayer is { } k && (k < 0 || k > nLayer - 2))
            throw new UserInputException($"--exit-layer {k} is beyond {info.FileName}: its exit blocks are 0..{nLayer - 2}");
        IReadOnlyList<int>? candidates = null;
        if (options.Candidates is { } text)
        {
            try
            {
                candidates = ExitCandidates.Parse(text, nLayer);
            }
            catch (ArgumentException e)
            {
                throw new UserInputException($"--levels: {e.Message}");
            }
        }

        JumpSet? set = options.Mode != GenerationMode.Full || options.Jumps is not null
            ? JumpLocator.Load(path, info, options.Jumps)
            : null;
        if (set is null && options.Mode != GenerationMode.Full)
            throw new UserInputException($"{options.Mode.ToString().ToLowerInvariant()} mode needs a jump file for {info.FileName} and none was found beside it or in the cache; make one: {JumpLocator.HowToMake(info.FileName)}");

        var plan = options.Mode == GenerationMode.Spec ? PlanSpec(options, path, info) : SpecPlanner.Default(nLayer);
        int draftBlock = options.ExitLayer ?? plan.DraftBlock;
        int draftLength = options.DraftLength ?? plan.DraftLength;
        ExitPlan? exitPlan = null;
        if (options.Mode == GenerationMode.Exit && options.ExitLayer is null && set is not null)
        {
            if (options.Plan is { } results)
            {
                if (candidates is not null)
                    throw new UserInputException("--levels and --plan both choose exit mode's candidate blocks; give one of them");
                exitPlan = ExitPlanning.FromResults(results, path, info, set, options.Lambda, options.Fill, options.PlanGoal);
                candidates = exitPlan.Candidates;
                log.WriteLine($"generate: {ExitPlanning.Describe(exitPlan)}");
                if (ExitPlanning.AgreementCaveat(exitPlan, options.Fill) is { } caveat)
                    log.WriteLine($"generate: {caveat}");
            }
            else if (candidates is null)
            {
                candidates = ExitPlanning.Guarded(path, nLayer, set.OjfaJump.Rank);
                log.WriteLine($"generate: exit candidates {string.Join(",", candidates)} (the guarded default: a token that never exits costs at most {ExitPlanner.GuardedWorstCaseOverhead:P0} more; --plan results.json plans them from data)");
            }
        }
        var settings = new GenerationSettings(options.Mode, options.Lambda,
            options.Mode == GenerationMode.Spec ? draftBlock : options.ExitLayer, options.Fill, candidates, draftLength,
            options.DraftThreshold ?? plan.DraftThreshold ?? GenerateOptions.DefaultDraftThreshold);

        NativeLog.Quiet(log);
        using var session = ModelSession.Open(path, new SessionOptions(1, Math.Max(512, options.MaxTokens + draftLength + 256), options.Threads));
        var jump = set is null ? null : ExitJumps.Choose(set);
        EarlyExitGenerator generator;
        try
        {
            generator = new EarlyExitGenerator(session, jump, options.Sampling, draftBlock);
            generator.Validate(settings);
        }
        catch (Exception e) when (e is LlamaJumpException or ArgumentException or InvalidOperationException)
        {
            throw new UserInputException(e.Message);
        }
        if (options.Mode == GenerationMode.Exit && generator.FillFor(settings) != settings.Fill)
        {
            log.WriteLine($"generate: {generator.PropagationUnavailable}; exit mode fills the skipped blocks by recompute");
            settings = settings with { Fill = generator.FillFor(settings) };
        }
        int[] prompt = session.Tokenize(options.Prompt);
        if (prompt.Length + options.MaxTokens + draftLength + 1 > session.Options.ContextSize)
            throw new UserInputException($"the prompt ({prompt.Length} tokens) and --max-tokens {options.MaxTokens} exceed the context of {session.Options.ContextSize}");
        log.WriteLine($"generate: {session.Describe()}, mode {options.Mode.ToString().ToLowerInvariant()}{(set?.Source is { } s ? $", jumps {Path.GetFileName(s)} (OJFA jump {set.Ojfa})" : "")}");

        var tokens = generator.Generate(prompt, options.MaxTokens, new GenerationControl(settings), cancel).ToList();
        var stats = generator.Stats;
        var comparison = options.Compare && !cancel.IsCancellationRequested ? Compare(session, generator, prompt, tokens, stats, options.MaxTokens, cancel) : null;
        return new GenerateResult(info, set?.Source, jump?.TrainedLevel, options, settings, draftBlock,
            options.Mode == GenerationMode.Spec && options.ExitLayer is null ? plan.Reason : null,
            string.Concat(tokens.Select(t => t.Text)), tokens, stats, comparison);
    }

    private static SpecPlan PlanSpec(GenerateOptions options, string modelPath, ModelInfo info)
    {
        if (options.Plan is not { } resultsPath)
            return SpecPlanner.Default(info.BlockCount);
        var report = Shortcuts.Reports.ResultsJson.Parse(File.ReadAllText(resultsPath));
        if (report.Result.Ojfa is not { } ojfa)
            throw new UserInputException($"{resultsPath} has no OJFA scores to plan spec mode from");
        if (!string.Equals(report.Model.Sha256, ModelHash.Sha256(modelPath), StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"{resultsPath} evaluates {report.Model.File}, not {info.FileName}");
        var cost = Bench.ExitCostModel.Read(modelPath, rank: 1);
        // with the exit samples beside results.json the draft threshold is planned too
        return ExitPlanning.SamplesBeside(resultsPath, report.Model.Sha256, report.Jumps.Ojfa, info.BlockCount - 1, out _) is { } samples
            ? SpecPlanner.PlanGated(samples.TopProbability, samples.Agrees, info.BlockCount, cost.Head / cost.Block)
            : SpecPlanner.Plan(ojfa.Precision, info.BlockCount, cost.Head / cost.Block);
    }

    private static Comparison Compare(ModelSession session, EarlyExitGenerator generator, int[] prompt,
        IReadOnlyList<GeneratedToken> tokens, GenerationStats stats, int maxTokens, CancellationToken cancel)
    {
        var full = generator.Generate(prompt, maxTokens, new GenerationControl(new GenerationSettings(GenerationMode.Full)), cancel)
            .Select(t => t.Id).ToList();
        double fullRate = generator.Stats.TokensPerSecond;
        var ids = tokens.Select(t => t.Id).ToList();
        return new Comparison(TeacherForced.Agreement(session, prompt, ids), TeacherForced.SequenceAgreement(ids, full),
            full, fullRate, fullRate > 0 ? stats.TokensPerSecond / fullRate : double.NaN);
    }
}
