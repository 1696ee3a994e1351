using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.App.Eval;

/// <summary><c>llamajump eval</c>'s options, validated: the dump directory, the jump file, the results directory,
/// whether stdout gets results.json instead of the table, the model (null: the dump manifest's model file, resolved
/// by name), the arbitrary jumps to score, hidden vectors per head call (null: automatic), and CPU threads (null: all cores).</summary>
public sealed record EvalOptions(
    string Dump,
    string Jumps,
    string Out,
    bool Json,
    string? Model,
    ArbitrarySelection Arbitrary,
    int? BatchRows,
    int? Threads);
