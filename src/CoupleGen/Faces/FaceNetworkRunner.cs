using System;
using System.Collections.Generic;
using CoupleGen.Imaging;
using CoupleGen.Native;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// What <see cref="FaceAttributeEstimator"/> and <see cref="FaceEmbedder"/> share: a frozen face network with
/// embedded TF.js weights on a device, input checks, framed images in one batch, one lock around the
/// network, and disposal. Every tensor of a call is disposed before it returns.
/// </summary>
/// <typeparam name="TNetwork">The network.</typeparam>
internal sealed class FaceNetworkRunner<TNetwork> : IDisposable
    where TNetwork : nn.Module
{
    private readonly TNetwork network;
    private readonly int inputSize;
    private readonly object owner;
    private readonly object gate = new();
    private bool disposed;

    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="Errors.InvalidWeightsException">The embedded weights are damaged (a broken build).</exception>
    public FaceNetworkRunner(object owner, FaceAnalysisOptions? options, TNetwork network, int inputSize, IReadOnlyDictionary<string, TfjsTensor> weights, string model)
    {
        this.owner = owner;
        this.network = network;
        this.inputSize = inputSize;
        try
        {
            Options = options ?? FaceAnalysisOptions.Default;
            Options.Validate();
            CoupleGenRuntime.EnsureInitialized();
            Device = DeviceSelector.Resolve(Options.Device);
            TfjsModuleLoader.Load(network, weights, model);
            network.to(Device);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        network.eval();
    }

    public FaceAnalysisOptions Options { get; }

    public Device Device { get; }

    /// <summary>Checks one framed face, then runs <paramref name="read"/> on it as a batch of one.</summary>
    public TResult[] RunOne<TResult>(Image<Rgb24> framedFace, string parameterName, Func<Tensor, TResult[]> read)
    {
        FaceNetworkInput.Check(framedFace, parameterName);
        return Run(new[] { framedFace }, read);
    }

    /// <summary>Checks framed faces, then runs <paramref name="read"/> on them as one batch without autograd.</summary>
    public TResult[] RunMany<TResult>(IReadOnlyList<Image<Rgb24>> framedFaces, string parameterName, Func<Tensor, TResult[]> read)
    {
        ArgumentNullException.ThrowIfNull(framedFaces, parameterName);
        if (framedFaces.Count == 0)
        {
            throw new ArgumentException("At least one framed face is needed.", parameterName);
        }

        foreach (Image<Rgb24> face in framedFaces)
        {
            FaceNetworkInput.Check(face, parameterName);
        }

        return Run(framedFaces, read);
    }

    /// <summary>The network's output for framed faces [N, 3, S, S] in [-1, 1], cropped and scaled with tensor operations: differentiable in the images.</summary>
    /// <param name="framedFaces">The faces on <see cref="Device"/>.</param>
    /// <param name="call">Runs the network on its prepared input and returns tensors the caller's scope owns.</param>
    public TOutput Forward<TOutput>(Tensor framedFaces, Func<TNetwork, Tensor, TOutput> call)
    {
        FaceNetworkInput.Check(framedFaces, nameof(framedFaces));
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, owner);
            using var scope = NewDisposeScope();
            Tensor input = FaceNetworkInput.Prepare(framedFaces, Options.Framing, inputSize);
            return call(network, input);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            network.Dispose();
        }
    }

    private TResult[] Run<TResult>(IReadOnlyList<Image<Rgb24>> framedFaces, Func<Tensor, TResult[]> read)
    {
        ObjectDisposedException.ThrowIf(disposed, owner);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return read(ImageTensor.ToBatch(framedFaces, Device));
    }
}
