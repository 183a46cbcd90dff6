using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using CoupleGen.Errors;

namespace CoupleGen.Faces;

/// <summary>
/// The pretrained face-api.js weights embedded in this assembly (MIT, see THIRD-PARTY-NOTICES.md):
/// tiny_face_detector_model (193 KB), face_landmark_68_model (357 KB), age_gender_model (430 KB) and
/// face_recognition_model (6.4 MB), each read once per process, when first used; and MediaPipe's selfie
/// segmentation graph model (selfie.json + selfie.bin, Apache 2.0), read by each <see cref="SelfieSegmenter"/>.
/// </summary>
internal static class FaceModelWeights
{
    public const string DetectorModel = "tiny_face_detector_model";
    public const string LandmarkModel = "face_landmark_68_model";
    public const string AgeGenderModel = "age_gender_model";
    public const string RecognitionModel = "face_recognition_model";
    public const string SelfieModel = "selfie";

    private static readonly Lazy<Dictionary<string, TfjsTensor>> Detector = new(() => ReadEmbedded(DetectorModel));
    private static readonly Lazy<Dictionary<string, TfjsTensor>> Landmarks = new(() => ReadEmbedded(LandmarkModel));
    private static readonly Lazy<Dictionary<string, TfjsTensor>> AgeGender = new(() => ReadEmbedded(AgeGenderModel));
    private static readonly Lazy<Dictionary<string, TfjsTensor>> Recognition = new(() => ReadEmbedded(RecognitionModel));

    public static IReadOnlyDictionary<string, TfjsTensor> DetectorWeights => Detector.Value;

    public static IReadOnlyDictionary<string, TfjsTensor> LandmarkWeights => Landmarks.Value;

    public static IReadOnlyDictionary<string, TfjsTensor> AgeGenderWeights => AgeGender.Value;

    public static IReadOnlyDictionary<string, TfjsTensor> RecognitionWeights => Recognition.Value;

    /// <summary>Loads the embedded MediaPipe selfie segmentation graph model (Apache 2.0, 213 KB); each call builds a new runner the caller disposes.</summary>
    public static TfjsGraphModel LoadSelfieModel()
    {
        string model = SelfieModel + ".json";
        return TfjsGraphModel.Load(Resource(model), model, shard => (Resource(shard), shard));
    }

    private static Dictionary<string, TfjsTensor> ReadEmbedded(string model)
    {
        string manifest = model + "-weights_manifest.json";
        return TfjsWeightReader.Read(Resource(manifest), manifest, shard => (Resource(shard), shard));
    }

    private static byte[] Resource(string fileName)
    {
        Assembly assembly = typeof(FaceModelWeights).Assembly;
        string name = "CoupleGen.Faces.Weights." + fileName;
        using Stream? stream = assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            throw new InvalidWeightsException(name, "the embedded resource is missing from CoupleGen.dll; the build is incomplete.");
        }

        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
