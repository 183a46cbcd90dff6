using System;
using System.Collections.Generic;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// Estimates sex and age from framed faces with face-api.js's pretrained AgeGenderNet (a TinyXception,
/// weights embedded), reimplemented as a TorchSharp module. The face box the network expects is derived
/// from <see cref="FaceAnalysisOptions.Framing"/>, so the input must be framed (see <see cref="FaceFramer"/>).
/// Safe to call from several threads at once; every tensor of a call is disposed before it returns.
/// </summary>
public sealed class FaceAttributeEstimator : IDisposable
{
    private readonly FaceNetworkRunner<AgeGenderNet> runner;

    /// <summary>Initializes a new instance of the <see cref="FaceAttributeEstimator"/> class with the embedded pretrained weights.</summary>
    /// <param name="options">How to run; <see langword="null"/> for <see cref="FaceAnalysisOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="Errors.InvalidWeightsException">The embedded weights are damaged (a broken build).</exception>
    /// <exception cref="Errors.NativeRuntimeException">libtorch cannot be loaded.</exception>
    public FaceAttributeEstimator(FaceAnalysisOptions? options = null) =>
        runner = new FaceNetworkRunner<AgeGenderNet>(this, options, new AgeGenderNet(), AgeGenderNet.InputSize, FaceModelWeights.AgeGenderWeights, FaceModelWeights.AgeGenderModel);

    /// <summary>Gets the options in use.</summary>
    public FaceAnalysisOptions Options => runner.Options;

    /// <summary>Gets the device the network runs on.</summary>
    internal Device Device => runner.Device;

    /// <summary>Estimates sex and age of one framed face.</summary>
    /// <param name="framedFace">A square image framed as <see cref="FaceAnalysisOptions.Framing"/> says (any side from 32 pixels).</param>
    /// <returns>The attributes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="framedFace"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="framedFace"/> is not square or is smaller than 32 pixels.</exception>
    /// <exception cref="ObjectDisposedException">The estimator was disposed.</exception>
    public FaceAttributes Estimate(Image<Rgb24> framedFace) => runner.RunOne(framedFace, nameof(framedFace), Read)[0];

    /// <summary>Estimates sex and age of several framed faces in one batch.</summary>
    /// <param name="framedFaces">Square images of one size, framed as <see cref="FaceAnalysisOptions.Framing"/> says.</param>
    /// <returns>The attributes, in the order of <paramref name="framedFaces"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="framedFaces"/> or one of its images is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, or an image is not square, too small or of another size than the first.</exception>
    /// <exception cref="ObjectDisposedException">The estimator was disposed.</exception>
    public IReadOnlyList<FaceAttributes> Estimate(IReadOnlyList<Image<Rgb24>> framedFaces) => runner.RunMany(framedFaces, nameof(framedFaces), Read);

    /// <inheritdoc/>
    public void Dispose() => runner.Dispose();

    /// <summary>
    /// The differentiable path from framed faces to the network's outputs, for training losses: crop and
    /// scale with tensor operations, then the network. Gradients flow to <paramref name="framedFaces"/>;
    /// the weights are frozen.
    /// </summary>
    /// <param name="framedFaces">[N, 3, S, S] in [-1, 1] on <see cref="Device"/>, framed as <see cref="FaceAnalysisOptions.Framing"/> says.</param>
    /// <returns>The male log-odds [N] (sigmoid gives the male probability) and the age in years [N]; the caller owns them.</returns>
    /// <exception cref="ArgumentException"><paramref name="framedFaces"/> is not [N, 3, S, S] with S at least 32.</exception>
    /// <exception cref="ObjectDisposedException">The estimator was disposed.</exception>
    internal (Tensor MaleLogit, Tensor Age) Forward(Tensor framedFaces) => runner.Forward(framedFaces, (network, input) =>
    {
        (Tensor age, Tensor gender) = network.call(input);

        // softmax([male, female])[0] = sigmoid(male - female): the difference is the log-odds.
        Tensor maleLogit = gender.select(1, 0).sub(gender.select(1, 1));
        return (maleLogit.MoveToOuterDisposeScope(), age.MoveToOuterDisposeScope());
    });

    private FaceAttributes[] Read(Tensor batch)
    {
        (Tensor maleLogit, Tensor age) = Forward(batch);
        float[] male = maleLogit.sigmoid().cpu().data<float>().ToArray();
        float[] years = age.cpu().data<float>().ToArray();
        var result = new FaceAttributes[male.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new FaceAttributes(male[i], years[i]);
        }

        return result;
    }
}
