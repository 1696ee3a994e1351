using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Chat;

/// <summary>Makes the token generator for a loaded model and its jumps (null: none). The generator may own native
/// resources: the chat disposes it (when <see cref="IDisposable"/>) before the session.</summary>
public delegate ITokenGenerator GeneratorFactory(ModelSession session, JumpSet? jumps);

public static class GeneratorFactories
{
    /// <summary>The chat's generator: the native early-exit generator with the set's OJFA jump installed (full depth
    /// only when the model has no jumps; exit and spec then refuse with how to make them); exit mode checks the
    /// guarded default candidates (<see cref="Generate.ExitPlanning.Guarded"/>).</summary>
    public static GeneratorFactory Default => (session, jumps) =>
        new EarlyExitGenerator(session, jumps is null ? null : ExitJumps.Choose(jumps), defaultCandidates:
            jumps is null || session.NLayer < 2 ? null : Generate.ExitPlanning.Guarded(session.ModelPath, session.NLayer, jumps.OjfaJump.Rank));
}
