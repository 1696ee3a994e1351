namespace LlamaJump.Interop.Native;

/// <summary>The one name under which our own bindings import the patched libllama (resolved by <see cref="NativeBackend"/>).</summary>
internal static class LlamaJumpLibrary
{
    public const string Name = "llama";
}
