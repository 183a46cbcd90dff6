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
/// Computes 128-D identity descriptors of framed faces with face-api.js's pretrained FaceRecognitionNet
/// (a port of dlib's ResNet face recognition network, weights embedded), reimplemented as a TorchSharp
/// module. The face box the network expects is derived from <see cref="FaceAnalysisOptions.Framing"/>, so
/// the input must be framed (see <see cref="FaceFramer"/>). Safe to call from several threads at once;
/// every tensor of a call is disposed before it returns.
/// </summary>
public sealed class FaceEmbedder : IDisposable
{
    private readonly FaceRecognitionNet network;
    private readonly object gate = new();
    private bool disposed;

    /// <summary>Initializes a new instance of the <see cref="FaceEmbedder"/> class with the embedded pretrained weights.</summary>
    /// <param name="options">How to run; <see langword="null"/> for <see cref="FaceAnalysisOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="Errors.InvalidWeightsException">The embedded weights are damaged (a broken build).</exception>
    /// <exception cref="Errors.NativeRuntimeException">libtorch cannot be loaded.</exception>
    public FaceEmbedder(FaceAnalysisOptions? options = null)
    {
        Options = options ?? FaceAnalysisOptions.Default;
        Options.Validate();
        CoupleGenRuntime.EnsureInitialized();
        Device = DeviceSelector.Resolve(Options.Device);
        network = new FaceRecognitionNet();
        try
        {
            TfjsModuleLoader.Load(network, FaceModelWeights.RecognitionWeights, FaceModelWeights.RecognitionModel);
            network.to(Device);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        network.eval();
    }

    /// <summary>Gets the options in use.</summary>
    public FaceAnalysisOptions Options { get; }

    /// <summary>Gets the device the network runs on.</summary>
    internal Device Device { get; }

    /// <summary>Computes the descriptor of one framed face.</summary>
    /// <param name="framedFace">A square image framed as <see cref="FaceAnalysisOptions.Framing"/> says (any side from 32 pixels).</param>
    /// <returns>The embedding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="framedFace"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="framedFace"/> is not square or is smaller than 32 pixels.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public FaceEmbedding Embed(Image<Rgb24> framedFace)
    {
        FaceNetworkInput.Check(framedFace, nameof(framedFace));
        ObjectDisposedException.ThrowIf(disposed, this);
        return Run(new[] { framedFace })[0];
    }

    /// <summary>Computes the descriptors of several framed faces in one batch.</summary>
    /// <param name="framedFaces">Square images of one size, framed as <see cref="FaceAnalysisOptions.Framing"/> says.</param>
    /// <returns>The embeddings, in the order of <paramref name="framedFaces"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="framedFaces"/> or one of its images is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, or an image is not square, too small or of another size than the first.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<Image<Rgb24>> framedFaces)
    {
        ArgumentNullException.ThrowIfNull(framedFaces);
        if (framedFaces.Count == 0)
        {
            throw new ArgumentException("At least one framed face is needed.", nameof(framedFaces));
        }

        foreach (Image<Rgb24> face in framedFaces)
        {
            FaceNetworkInput.Check(face, nameof(framedFaces));
        }

        ObjectDisposedException.ThrowIf(disposed, this);
        return Run(framedFaces);
    }

    /// <inheritdoc/>
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

    /// <summary>
    /// The differentiable path from framed faces to descriptors, for training losses: crop and scale with
    /// tensor operations, then the network. Gradients flow to <paramref name="framedFaces"/>; the weights are frozen.
    /// </summary>
    /// <param name="framedFaces">[N, 3, S, S] in [-1, 1] on <see cref="Device"/>, framed as <see cref="FaceAnalysisOptions.Framing"/> says.</param>
    /// <returns>The descriptors [N, 128]; the caller owns them.</returns>
    /// <exception cref="ArgumentException"><paramref name="framedFaces"/> is not [N, 3, S, S] with S at least 32.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    internal Tensor Forward(Tensor framedFaces)
    {
        FaceNetworkInput.Check(framedFaces, nameof(framedFaces));
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            using var scope = NewDisposeScope();
            Tensor input = FaceNetworkInput.Prepare(framedFaces, Options.Framing, FaceRecognitionNet.InputSize);
            return network.call(input).MoveToOuterDisposeScope();
        }
    }

    private FaceEmbedding[] Run(IReadOnlyList<Image<Rgb24>> framedFaces)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor batch = ImageTensor.ToBatch(framedFaces, Device);
        float[] descriptors = Forward(batch).cpu().data<float>().ToArray();
        var result = new FaceEmbedding[framedFaces.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new FaceEmbedding(descriptors.AsSpan(i * FaceEmbedding.Length, FaceEmbedding.Length));
        }

        return result;
    }
}
