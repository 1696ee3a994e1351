using LlamaJump.Dumps;

namespace LlamaJump.Shortcuts.Training;

/// <summary>Training cannot start on this input: non-finite hidden states, too few samples for BatchNorm, a rank that
/// is not below n_embd. The message is one line. It derives from <see cref="DumpException"/> (bad input about a
/// dump), so the command line reports it as bad input (exit 2) like any other dump problem.</summary>
public sealed class JumpTrainingException(string message) : DumpException(message);
