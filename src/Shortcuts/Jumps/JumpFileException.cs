using LlamaJump.Dumps;

namespace LlamaJump.Shortcuts.Jumps;

/// <summary>A jump file is damaged, not a jump file, or made for another model. The message is one line that starts
/// with the file's name. It derives from <see cref="DumpException"/> (bad input about what a dump produced), so the
/// command line reports it as bad input (exit 2) without a mapping of its own.</summary>
public sealed class JumpFileException : DumpException
{
    public JumpFileException(string message) : base(message) { }

    public JumpFileException(string message, Exception inner) : base(message, inner) { }
}
