using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>
/// What the patched backend supports for one architecture name (a GGUF's general.architecture), from the
/// native tables of native/patches (llama_jump_arch_support), so no list is kept twice: <see cref="Known"/> — this
/// llama.cpp loads it, and dump works (capture, and the top-1 from llama.cpp's own logits); <see cref="Head"/> —
/// the model's own head applied to any hidden state, and so eval, exit and spec; <see cref="Propagate"/> — exit
/// mode's state propagation (otherwise it recomputes).
/// </summary>
public readonly record struct ArchitectureSupport(string Architecture, bool Known, bool Head, bool Propagate)
{
    /// <summary>Asks the native library (loading it first, <see cref="NativeBackend.Initialize"/>).</summary>
    /// <exception cref="NativeBackendMissingException">the patched build is missing</exception>
    public static ArchitectureSupport Of(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        NativeBackend.Initialize();
        var caps = (LlamaJumpArchCaps)LlamaJumpNative.llama_jump_arch_support(architecture);
        return new ArchitectureSupport(architecture, caps.HasFlag(LlamaJumpArchCaps.Known), caps.HasFlag(LlamaJumpArchCaps.Head),
            caps.HasFlag(LlamaJumpArchCaps.Propagate));
    }

    /// <summary>Spec mode drafts through the jump and the head, and verifies at full depth: it needs the head only.</summary>
    public bool Spec => Head;
}
