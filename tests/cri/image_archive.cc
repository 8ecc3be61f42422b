#include "image_archive.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace kadm::testing {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sha256_digest(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return "sha256:" + hex;
}

std::string make_tar(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  for (const auto& [name, content] : files) {
    if (name.size() >= 100) throw std::runtime_error("tar name too long: " + name);
    char h[512] = {};
    std::memcpy(h, name.data(), name.size());
    std::snprintf(h + 100, 8, "%07o", 0644);
    std::snprintf(h + 108, 8, "%07o", 0);
    std::snprintf(h + 116, 8, "%07o", 0);
    std::snprintf(h + 124, 12, "%011zo", content.size());
    std::snprintf(h + 136, 12, "%011o", 1700000000);
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    out.append(h, 512);
    out += content;
    out.append((512 - content.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

std::map<std::string, std::string> read_tar(const std::string& data) {
  std::map<std::string, std::string> files;
  size_t pos = 0;
  std::string long_name;
  while (pos + 512 <= data.size()) {
    const char* h = data.data() + pos;
    if (h[0] == '\0') break;
    std::string name(h, strnlen(h, 100));
    std::string prefix(h + 345, strnlen(h + 345, 155));
    if (!prefix.empty()) name = prefix + "/" + name;
    size_t size = std::strtoull(std::string(h + 124, 12).c_str(), nullptr, 8);
    char type = h[156];
    pos += 512;
    if (pos + size > data.size()) throw std::runtime_error("truncated tar entry " + name);
    std::string content = data.substr(pos, size);
    pos += (size + 511) / 512 * 512;
    if (type == 'L') {  // GNU long name for the next entry
      long_name = std::string(content.c_str());
      continue;
    }
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    }
    if (name.rfind("./", 0) == 0) name = name.substr(2);
    if (type == '0' || type == '\0') files[name] = std::move(content);
  }
  return files;
}

std::string ArchiveImage::manifest() const {
  nlohmann::ordered_json m;
  m["schemaVersion"] = 2;
  m["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json";
  m["config"] = {{"mediaType", "application/vnd.docker.container.image.v1+json"},
                 {"size", config.data.size()},
                 {"digest", config.digest}};
  m["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : layers)
    m["layers"].push_back(
        {{"mediaType", "application/vnd.docker.image.rootfs.diff.tar"}, {"size", l.data.size()}, {"digest", l.digest}});
  return m.dump();
}

std::string ArchiveImage::manifest_digest() const { return sha256_digest(manifest()); }

std::vector<ArchiveImage> read_docker_archive(const std::string& path) {
  auto files = read_tar(read_file(path));
  auto it = files.find("manifest.json");
  if (it == files.end()) throw std::runtime_error(path + " has no manifest.json: not a docker-archive");
  auto manifest = nlohmann::json::parse(it->second);
  std::vector<ArchiveImage> out;
  for (const auto& entry : manifest) {
    ArchiveImage image;
    for (const auto& t : entry["RepoTags"]) image.repo_tags.push_back(t.get<std::string>());
    auto blob = [&](const std::string& name) {
      auto f = files.find(name);
      if (f == files.end()) throw std::runtime_error(path + ": missing " + name);
      return Blob{sha256_digest(f->second), f->second};
    };
    image.config = blob(entry["Config"].get<std::string>());
    for (const auto& l : entry["Layers"]) image.layers.push_back(blob(l.get<std::string>()));
    out.push_back(std::move(image));
  }
  return out;
}

std::string make_docker_archive(const std::vector<ArchiveImage>& images) {
  std::vector<std::pair<std::string, std::string>> files;
  nlohmann::json manifest = nlohmann::json::array();
  for (const auto& image : images) {
    std::string config_name = image.config.digest.substr(7) + ".json";
    files.emplace_back(config_name, image.config.data);
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : image.layers) {
      std::string name = l.digest.substr(7, 40) + "/layer.tar";
      files.emplace_back(name, l.data);
      layers.push_back(name);
    }
    manifest.push_back({{"Config", config_name}, {"RepoTags", image.repo_tags}, {"Layers", layers}});
  }
  files.emplace_back("manifest.json", manifest.dump());
  return make_tar(files);
}

ArchiveImage build_image(const ArchiveImage& base, const std::vector<std::pair<std::string, std::string>>& files,
                         const std::string& tag) {
  ArchiveImage image;
  image.repo_tags = {tag};
  image.layers = base.layers;
  std::string layer = make_tar(files);
  image.layers.push_back(Blob{sha256_digest(layer), layer});
  auto config = nlohmann::json::parse(base.config.data);
  config["rootfs"]["diff_ids"].push_back(image.layers.back().digest);
  config.erase("history");
  image.config.data = config.dump();
  image.config.digest = sha256_digest(image.config.data);
  return image;
}

}  // namespace kadm::testing
