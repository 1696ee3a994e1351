using AwesomeAssertions;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Pure.Interop;

/// <summary>Where <see cref="NativeBackend"/> looks for libllama.so, without loading anything. No test here calls
/// <see cref="NativeBackend.Configure"/> with a directory: that choice is process-wide.</summary>
public sealed class NativeBackendSearchTests
{
    [Fact]
    public void Without_configuration_the_app_directory_comes_before_the_portable_runtimes_folder()
    {
        if (Environment.GetEnvironmentVariable(NativeBackend.NativeDirEnvironmentVariable) is { Length: > 0 })
            Assert.Skip($"{NativeBackend.NativeDirEnvironmentVariable} is set: it is then the only directory searched");

        NativeBackend.SearchDirectories.Should().Equal(
            AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Configure_refuses_an_empty_directory(string directory)
    {
        var configure = () => NativeBackend.Configure(directory);

        configure.Should().Throw<ArgumentException>();
    }
}
