using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.App.Eval;

/// <summary><c>llamajump eval</c>'s options, validated: the dump directory, the jump file, the results directory,
/// whether stdout gets results.json instead of the table, the model (null: the dump manifest's model file, resolved
/// by name), the arbitrary jumps to score, hidden vectors per head call (null: automatic), CPU threads (null: all cores),
/// and the test samples the arbitrary jumps are scored on (null: all; see <see cref="EvalSettings.DefaultArbitraryRows"/>).</summary>
public sealed record EvalOptions(
    string Dump,
    string Jumps,
    string Out,
    bool Json,
    string? Model,
    ArbitrarySelection Arbitrary,
    int? BatchRows,
    int? Threads,
    int? ArbitraryRows = EvalSettings.DefaultArbitraryRows);
