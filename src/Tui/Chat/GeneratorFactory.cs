using LlamaJump.Interop;
using LlamaJump.Interop.Generation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Tui.Chat;

/// <summary>Makes the token generator for a loaded model and its jumps (null: none). The generator may own native
/// resources: the chat disposes it (when <see cref="IDisposable"/>) before the session.</summary>
public delegate ITokenGenerator GeneratorFactory(ModelSession session, JumpSet? jumps);

public static class GeneratorFactories
{
    /// <summary>The chat's generator: full depth until the native early-exit generator is available.</summary>
    public static GeneratorFactory Default => (session, _) => new FullDepthGenerator(session);
}
