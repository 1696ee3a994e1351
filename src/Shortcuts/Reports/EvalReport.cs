using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>The model evaluated: file name, sha256 of the GGUF file, architecture, blocks, width, vocabulary.</summary>
public sealed record ReportModel(string File, string Sha256, string Architecture, int NLayer, int NEmbd, int NVocab)
{
    public static ReportModel From(DumpModelInfo model) =>
        new(model.File, model.Sha256, model.Architecture, model.NLayer, model.NEmbd, model.NVocab);
}

/// <summary>The dump whose test split was scored: its corpus (file name, sha256), seed, test samples, dtype and
/// position policy.</summary>
public sealed record ReportDump(string CorpusFile, string CorpusSha256, ulong Seed, int TestCount, string Dtype, string Position)
{
    public static ReportDump From(DumpManifest manifest, int testCount) => new(
        manifest.Identity.Corpus.File, manifest.Identity.Corpus.Sha256, manifest.Identity.Seed, testCount,
        manifest.Identity.Dtype.LowerName(), manifest.Identity.Position.Name());
}

/// <summary>The jump file evaluated: its file name, rank, whether it holds only the OJFA jump, the D_m score of every
/// candidate jump m = 0 … L−2 (eq. 5; empty when the file has none), their softmax at T = 5e-4, and the OJFA choice.</summary>
public sealed record ReportJumps(string File, int Rank, bool OjfaOnly, int Ojfa, IReadOnlyList<double> DScores, IReadOnlyList<double> DSoftmax)
{
    public static ReportJumps From(string file, JumpSet jumps) => new(
        file, jumps.OjfaJump.Rank, jumps.OjfaOnly, jumps.Ojfa, jumps.DScores, jumps.DSoftmax);
}

/// <summary>Shortcut parameters (the paper's arithmetic): one jump is A (H×r) + B (r×H) + BatchNorm's γ, β, running
/// mean and variance = 2·H·r + 4·H. Multi-jump (N-NJTC) keeps one jump per exit level k = 0 … L−2
/// (<see cref="Jumps"/> = L − 1), OJFA keeps one. The paper's own totals count a jump per block (L: GPT2-XL
/// 48 × 57.6K = 2.76M): <see cref="PaperMultiJumpTotal"/>.</summary>
public sealed record ParameterCounts(int Hidden, int Rank, int Jumps, long PerJump, long MultiJumpTotal, long SingleJumpTotal, long PaperMultiJumpTotal)
{
    /// <summary>multi_jump_total / single_jump_total.</summary>
    public double Reduction => (double)MultiJumpTotal / SingleJumpTotal;

    public static ParameterCounts For(int hidden, int rank, int nLayer)
    {
        long perJump = JumpWeights.ParameterCountFor(hidden, rank);
        int jumps = nLayer - 1;
        return new ParameterCounts(hidden, rank, jumps, perJump, perJump * jumps, perJump, perJump * nLayer);
    }
}

/// <summary>Everything <c>llamajump eval</c> writes (results.json, results.csv, the plots and report.md): the
/// identities of model, dump and jumps, the parameter counts, and the scores.</summary>
public sealed record EvalReport(ReportModel Model, ReportDump Dump, ReportJumps Jumps, ParameterCounts Parameters, EvalResult Result)
{
    public const int SchemaVersion = 1;

    /// <summary>The report of <paramref name="result"/>, an evaluation of <paramref name="jumps"/> (read from
    /// <paramref name="jumpsFile"/>) on the test split of the dump described by <paramref name="manifest"/>.</summary>
    public static EvalReport Create(DumpManifest manifest, string jumpsFile, JumpSet jumps, EvalResult result)
    {
        var jumpReport = ReportJumps.From(Path.GetFileName(jumpsFile), jumps);
        return new EvalReport(
            ReportModel.From(manifest.Identity.Model), ReportDump.From(manifest, result.SampleCount), jumpReport,
            ParameterCounts.For(manifest.Identity.Model.NEmbd, jumpReport.Rank, manifest.Identity.Model.NLayer), result);
    }
}
