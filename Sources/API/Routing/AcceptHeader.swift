/// Content negotiation on `Accept` (RFC 9110 §12.5.1), reduced to what this endpoint offers.
public enum AcceptHeader {
    /// The offered type the client rates highest; wildcards (`*/*`, `text/*`) do not pick a type by
    /// themselves, so `curl`'s `*/*` gets the caller's default. Ties go to the earlier offer.
    public static func preferred(_ offers: [String], in header: String?) -> String? {
        guard let header else { return nil }
        var best: (offer: String, quality: Double)?
        for range in header.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
            guard let type = parts.first, let offer = offers.first(where: { $0 == type }) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            if best == nil || quality > best!.quality
                || (quality == best!.quality
                    && offers.firstIndex(of: offer)! < offers.firstIndex(of: best!.offer)!)
            {
                best = (offer, quality)
            }
        }
        return best?.offer
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's and .env's optional whitespace).
    public var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
