using System;
using System.Collections.Generic;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
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
    private readonly FaceNetworkRunner<FaceRecognitionNet> runner;

    /// <summary>Initializes a new instance of the <see cref="FaceEmbedder"/> class with the embedded pretrained weights.</summary>
    /// <param name="options">How to run; <see langword="null"/> for <see cref="FaceAnalysisOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="Errors.InvalidWeightsException">The embedded weights are damaged (a broken build).</exception>
    /// <exception cref="Errors.NativeRuntimeException">libtorch cannot be loaded.</exception>
    public FaceEmbedder(FaceAnalysisOptions? options = null) =>
        runner = new FaceNetworkRunner<FaceRecognitionNet>(this, options, new FaceRecognitionNet(), FaceRecognitionNet.InputSize, FaceModelWeights.RecognitionWeights, FaceModelWeights.RecognitionModel);

    /// <summary>Gets the options in use.</summary>
    public FaceAnalysisOptions Options => runner.Options;

    /// <summary>Gets the device the network runs on.</summary>
    internal Device Device => runner.Device;

    /// <summary>Computes the descriptor of one framed face.</summary>
    /// <param name="framedFace">A square image framed as <see cref="FaceAnalysisOptions.Framing"/> says (any side from 32 pixels).</param>
    /// <returns>The embedding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="framedFace"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="framedFace"/> is not square or is smaller than 32 pixels.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public FaceEmbedding Embed(Image<Rgb24> framedFace) => runner.RunOne(framedFace, nameof(framedFace), Read)[0];

    /// <summary>Computes the descriptors of several framed faces in one batch.</summary>
    /// <param name="framedFaces">Square images of one size, framed as <see cref="FaceAnalysisOptions.Framing"/> says.</param>
    /// <returns>The embeddings, in the order of <paramref name="framedFaces"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="framedFaces"/> or one of its images is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, or an image is not square, too small or of another size than the first.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<Image<Rgb24>> framedFaces) => runner.RunMany(framedFaces, nameof(framedFaces), Read);

    /// <inheritdoc/>
    public void Dispose() => runner.Dispose();

    /// <summary>
    /// The differentiable path from framed faces to descriptors, for training losses: crop and scale with
    /// tensor operations, then the network. Gradients flow to <paramref name="framedFaces"/>; the weights are frozen.
    /// </summary>
    /// <param name="framedFaces">[N, 3, S, S] in [-1, 1] on <see cref="Device"/>, framed as <see cref="FaceAnalysisOptions.Framing"/> says.</param>
    /// <returns>The descriptors [N, 128]; the caller owns them.</returns>
    /// <exception cref="ArgumentException"><paramref name="framedFaces"/> is not [N, 3, S, S] with S at least 32.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    internal Tensor Forward(Tensor framedFaces) => runner.Forward(framedFaces, (network, input) => network.call(input).MoveToOuterDisposeScope());

    private FaceEmbedding[] Read(Tensor batch)
    {
        float[] descriptors = Forward(batch).cpu().data<float>().ToArray();
        var result = new FaceEmbedding[descriptors.Length / FaceEmbedding.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new FaceEmbedding(descriptors.AsSpan(i * FaceEmbedding.Length, FaceEmbedding.Length));
        }

        return result;
    }
}
