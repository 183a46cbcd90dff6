using System;
using System.Threading;

namespace CoupleGen.Extensions.DependencyInjection;

/// <summary>What the container knows of its generator: not loaded yet, loaded (from which file), or failed (why).</summary>
internal sealed class PartnerGeneratorLoadState
{
    private string? source;
    private Exception? failure;

    public string? Source => Volatile.Read(ref source);

    public Exception? Failure => Volatile.Read(ref failure);

    public void Loaded(string path) => Volatile.Write(ref source, path);

    public void Failed(Exception exception) => Volatile.Write(ref failure, exception);
}
