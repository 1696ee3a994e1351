using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.App.Pipeline;

/// <summary>The dump a pipeline run asks for: the model and corpus by SHA-256, the seed, and the split counts after
/// --allow-fewer (random positions, f16, unsharded, as the pipeline always dumps).</summary>
public sealed record DumpExpectation(string ModelSha256, string CorpusSha256, ulong Seed, int TrainCount, int TestCount);

/// <summary>
/// Whether a pipeline step's output is up to date, decided by the identities the outputs carry (never by file
/// times). Each check returns null when the output can be kept, else the reason it must be (re)made, for the log.
/// <list type="bullet">
/// <item>dump: a complete dump (manifest.json) of the same model sha256, corpus sha256, seed and counts;</item>
/// <item>jumps: a full jump file (every level and the joint jump) trained for that dump's model on that dump
/// (corpus sha256, seed, train count);</item>
/// <item>eval: results.json of that model and dump, scoring that jump file (its rank, OJFA choice and every D_m),
/// and report.md beside it (written last);</item>
/// <item>exit: exit.json of that model sha256 and jump-file sha256, at the same λ values, tokens and prompts.</item>
/// </list>
/// </summary>
public static class PipelineFreshness
{
    public static string? Dump(DumpManifest? manifest, DumpExpectation expected)
    {
        if (manifest is null)
            return "no complete dump";
        var id = manifest.Identity;
        if (!Same(id.Model.Sha256, expected.ModelSha256))
            return "the dump is of another model file";
        if (!Same(id.Corpus.Sha256, expected.CorpusSha256))
            return "the dump is of another corpus";
        if (id.Seed != expected.Seed)
            return $"the dump has seed {id.Seed}, not {expected.Seed}";
        if (id.TrainCount != expected.TrainCount || id.TestCount != expected.TestCount)
            return $"the dump has {id.TrainCount} + {id.TestCount} sentences, not {expected.TrainCount} + {expected.TestCount}";
        if (id.Position != PositionPolicy.Random || id.Dtype != TensorDtype.F16 || id.Shard is not null)
            return "the dump was made with other settings";
        return null;
    }

    public static string? Jumps(JumpSet? jumps, DumpManifest dump)
    {
        if (jumps is null)
            return "no readable jump file";
        var id = jumps.Identity;
        if (!Same(id.ModelSha256, dump.Identity.Model.Sha256) || id.NLayer != dump.Identity.Model.NLayer || id.NEmbd != dump.Identity.Model.NEmbd)
            return "the jump file was trained for another model";
        if (!Same(id.CorpusSha256, dump.Identity.Corpus.Sha256) || id.DumpSeed != dump.Identity.Seed || id.TrainCount != dump.Identity.TrainCount)
            return "the jump file was trained on another dump";
        if (jumps.OjfaOnly || jumps.Levels.Any(l => l is null) || jumps.Joint is null)
            return "the jump file lacks jumps (OJFA-only or no joint jump)";
        return null;
    }

    public static string? Eval(EvalReport? results, bool reportExists, DumpManifest dump, JumpSet jumps)
    {
        if (results is null)
            return "no readable results.json";
        if (!reportExists)
            return "no report.md";
        if (!Same(results.Model.Sha256, dump.Identity.Model.Sha256))
            return "the results are of another model";
        var d = results.Dump;
        if (!Same(d.CorpusSha256, dump.Identity.Corpus.Sha256) || d.Seed != dump.Identity.Seed || d.TestCount != dump.Identity.TestCount
            || d.Dtype != dump.Identity.Dtype.LowerName() || d.Position != dump.Identity.Position.Name())
            return "the results are of another dump";
        var j = results.Jumps;
        if (j.OjfaOnly || j.Rank != jumps.OjfaJump.Rank || j.Ojfa != jumps.Ojfa
            || !j.DScores.SequenceEqual(jumps.DScores))
            return "the results score another jump file";
        return null;
    }

    public static string? Exit(ExitSweep? sweep, string modelSha256, string jumpsSha256, IReadOnlyList<float> lambdas, int tokens, IReadOnlyList<string> prompts)
    {
        if (sweep is null)
            return "no readable exit.json";
        if (!Same(sweep.ModelSha256, modelSha256) || !Same(sweep.JumpsSha256, jumpsSha256))
            return "exit.json was measured with another model or jump file";
        if (!sweep.Lambdas.SequenceEqual(lambdas) || sweep.Tokens != tokens || !sweep.Prompts.SequenceEqual(prompts))
            return "exit.json was measured at other λ values, tokens or prompts";
        return null;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
