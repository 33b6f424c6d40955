// Sweep files: ranges expand as written, defaults apply, malformed files are refused naming
// the file and the JSON path, points expand in order, and the constraints refuse points
// (with their reason) before any simulation. No simulation runs here.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "study/sweep_check.h"
#include "study/sweep_points.h"
#include "study/sweep_spec.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::sim;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

json minimal_sweep() {
  return json{{"schema", "shiftsim.sweep"},
              {"version", 1},
              {"name", "t"},
              {"base", test::repo("configs/arch/svpe_zcu102.json")},
              {"networks", {test::repo("configs/nets/tiny.json")}},
              {"parameters", {{"pe_array.lanes", {8, 16}}}}};
}

std::string error_of(const json& doc) {
  try {
    parse_sweep_spec(doc, "s.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::vector<json> range(const json& r) { return expand_range(r, "s.json", "parameters.x"); }

}  // namespace

TEST_CASE("sweep ranges expand arithmetically and geometrically, ends included") {
  CHECK(range({{"from", 8}, {"to", 32}, {"step", 8}}) == std::vector<json>{8, 16, 24, 32});
  CHECK(range({{"from", 8}, {"to", 30}, {"step", 8}}) == std::vector<json>{8, 16, 24});
  CHECK(range({{"from", 32}, {"to", 8}, {"step", -8}}) == std::vector<json>{32, 24, 16, 8});
  CHECK(range({{"from", 4}, {"to", 64}, {"times", 2}}) == std::vector<json>{4, 8, 16, 32, 64});
  const std::vector<json> clocks = range({{"from", 100.0}, {"to", 200.0}, {"step", 25.0}});
  REQUIRE(clocks.size() == 5);
  CHECK(clocks.back().get<double>() == Approx(200.0));
  // 0.1 steps do not add up exactly to 0.3; the end still counts as reached.
  CHECK(range({{"from", 0.0}, {"to", 0.3}, {"step", 0.1}}).size() == 4);
  CHECK(range({{"from", 8}, {"to", 8}, {"step", 1}}) == std::vector<json>{8});
  // Integer ranges keep integer JSON values (so `--set` passes 16, not 16.0).
  CHECK(range({{"from", 8}, {"to", 16}, {"step", 8}})[1].is_number_integer());
}

TEST_CASE("bad sweep ranges are refused naming the JSON path") {
  auto err = [](const json& r) {
    try {
      range(r);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK_THAT(err({{"from", 8}, {"to", 32}, {"step", 0}}), Contains("s.json: parameters.x.step: must not be 0"));
  CHECK_THAT(err({{"from", 8}, {"to", 32}, {"step", -1}}), Contains("parameters.x.step: goes away"));
  CHECK_THAT(err({{"from", 8}, {"to", 32}}), Contains("parameters.x: needs exactly one of"));
  CHECK_THAT(err({{"from", 8}, {"to", 32}, {"step", 1}, {"times", 2}}), Contains("needs exactly one of"));
  CHECK_THAT(err({{"from", 8}, {"to", 32}, {"step", 1}, {"stride", 2}}), Contains("parameters.x.stride: unknown key"));
  CHECK_THAT(err({{"from", 0}, {"to", 32}, {"times", 2}}), Contains("parameters.x.from: must not be 0"));
  CHECK_THAT(err({{"from", 1}, {"to", 1e9}, {"step", 1}}), Contains("more than 100000 values"));
  // At the limit: 100000 values are expanded, 100001 refused (docs/LIMITS.md).
  CHECK(range({{"from", 1}, {"to", 100000}, {"step", 1}}).size() == 100000);
  CHECK_THAT(err({{"from", 1}, {"to", 100001}, {"step", 1}}),
             Contains("s.json: parameters.x: expands to more than 100000 values"));
  CHECK_THAT(err({{"from", "a"}, {"to", 3}, {"step", 1}}), Contains("parameters.x.from: must be a number"));
}

TEST_CASE("a sweep file reads with its defaults and resolves paths against its directory") {
  json doc = minimal_sweep();
  doc["base"] = "../arch/svpe_zcu102.json";
  doc["networks"] = {"../nets/tiny.json"};
  const SweepSpec s = parse_sweep_spec(doc, "configs/sweeps/x.json");
  CHECK(s.base == "configs/arch/svpe_zcu102.json");
  CHECK(s.networks == std::vector<std::string>{"configs/nets/tiny.json"});
  CHECK(s.mode == "fast");
  CHECK_FALSE(s.check);
  CHECK(s.seed == 1);
  CHECK(s.constraints.fits_device);
  CHECK_FALSE(s.constraints.max_dsp);
  REQUIRE(s.objectives.size() == 4);
  REQUIRE(s.pareto.size() == 1);
  CHECK(s.pareto[0] == std::vector<Objective>{Objective::cycles, Objective::energy_mj});
  REQUIRE(s.parameters.size() == 1);
  CHECK(s.parameters[0].path == "pe_array.lanes");
}

TEST_CASE("malformed sweep files are refused with the JSON path") {
  auto with = [](const std::string& key, const json& v) {
    json d = minimal_sweep();
    d[key] = v;
    return error_of(d);
  };
  CHECK_THAT(with("paramters", 1), Contains("s.json: paramters: unknown key"));
  CHECK_THAT(with("name", "../x"), Contains("s.json: name: must be letters, digits"));
  CHECK_THAT(with("schema", "shiftsim.arch"), Contains("s.json: schema: must be \"shiftsim.sweep\""));
  CHECK_THAT(with("networks", json::array()), Contains("s.json: networks: must list at least one"));
  CHECK_THAT(with("mode", "slow"), Contains("s.json: mode: must be one of {fast, cycle}"));
  CHECK_THAT(with("parameters", json::object()), Contains("s.json: parameters: must name at least one"));
  CHECK_THAT(with("parameters", {{"pe_array.lanes", json::array()}}),
             Contains("s.json: parameters.pe_array.lanes: must list at least one value"));
  CHECK_THAT(with("parameters", {{"pe_array.lanes", {8, 8}}}), Contains("parameters.pe_array.lanes[1]: repeats"));
  CHECK_THAT(with("parameters", {{"pe_array.lanes", {8, {1, 2}}}}),
             Contains("parameters.pe_array.lanes[1]: must be a number, string or boolean"));
  CHECK_THAT(with("parameters", {{"pe_array..lanes", {8}}}), Contains("parameters.pe_array..lanes: not a parameter path"));
  CHECK_THAT(with("objectives", {"cycles", "speed"}), Contains("s.json: objectives[1]: unknown objective \"speed\""));
  CHECK_THAT(with("pareto", {{"cycles"}}), Contains("s.json: pareto[0]: must list 2 or 3 objectives"));
  CHECK_THAT(with("pareto", {{"cycles", "dsp", "cycles"}}), Contains("s.json: pareto[0][2]: repeats cycles"));
  CHECK_THAT(with("constraints", {{"fit_device", true}}), Contains("s.json: constraints.fit_device: unknown key"));
  CHECK_THAT(with("constraints", {{"bounds", {{"speed", {{"max", 1}}}}}}),
             Contains("s.json: constraints.bounds.speed: unknown objective"));
  CHECK_THAT(with("constraints", {{"bounds", {{"gops", {{"minimum", 1}}}}}}),
             Contains("s.json: constraints.bounds.gops.minimum: unknown key"));
  CHECK_THAT(with("constraints", {{"bounds", {{"gops", {{"min", 5}, {"max", 1}}}}}}),
             Contains("constraints.bounds.gops.min: is larger than max"));
  CHECK_THAT(with("constraints", {{"max_dsp", "many"}}), Contains("s.json: constraints.max_dsp: must be a number"));
}

TEST_CASE("sweep points: networks outermost, the last parameter fastest") {
  json doc = minimal_sweep();
  doc["networks"] = {test::repo("configs/nets/tiny.json"), test::repo("configs/nets/lenet5.json")};
  doc["parameters"] = {{"pe_array.lanes", {8, 16}}, {"pe_array.vector", {{"from", 2}, {"to", 8}, {"times", 2}}}};
  const SweepSpec s = parse_sweep_spec(doc, "s.json");
  const std::vector<SweepPoint> pts = expand_points(s);
  REQUIRE(pts.size() == 2 * 2 * 3);
  CHECK(pts[0].network == 0);
  CHECK(pts[6].network == 1);
  CHECK(pts[1].sets(s) == std::vector<std::string>{"pe_array.lanes=8", "pe_array.vector=4"});
  CHECK(pts[3].sets(s) == std::vector<std::string>{"pe_array.lanes=16", "pe_array.vector=2"});
  CHECK(pts[11].index == 11);
}

TEST_CASE("sweep constraints refuse points before simulating, with the reason") {
  json doc = minimal_sweep();
  // On the VPE machine (16 x 4 multipliers of 3 x 3): 0 lanes is invalid, 8 lanes need 288
  // DSPs, 32 lanes 1152 (over max_dsp) and 512 lanes more than the ZCU102 has.
  doc["base"] = test::repo("configs/arch/vpe16_zcu102.json");
  doc["parameters"] = {{"pe_array.lanes", {0, 8, 32, 512}}};
  doc["constraints"] = {{"max_dsp", 1000}};
  const SweepSpec s = parse_sweep_spec(doc, "s.json");
  const std::vector<SweepNetwork> nets = load_sweep_networks(s);
  FileContents files;
  const std::vector<SweepPoint> pts = expand_points(s);
  std::vector<PointPlan> plans;
  for (const SweepPoint& p : pts) plans.push_back(plan_point(s, p, nets, files));
  CHECK_THAT(plans[0].refusal, Contains("invalid arch: --set pe_array.lanes=0:") && Contains("pe_array.lanes: must be >= 1"));
  CHECK(plans[1].refusal.empty());
  CHECK_THAT(plans[2].refusal, Contains("> max_dsp 1000"));
  CHECK_THAT(plans[3].refusal, Contains("does not fit ZCU102") && Contains("DSP"));

  // Resource bounds refuse too; a bound on a performance objective does not (it is checked
  // after the run).
  doc["constraints"] = {{"bounds", {{"lut", {{"max", 1}}}, {"gops", {{"min", 1e9}}}}}};
  const SweepSpec bounded = parse_sweep_spec(doc, "s.json");
  CHECK_THAT(plan_point(bounded, pts[1], nets, files).refusal, Contains("out of bounds: lut") && !Contains("gops"));

  // Without fits_device a machine too big for its device is simulated (marked in its report).
  doc["constraints"] = {{"fits_device", false}};
  const SweepSpec loose = parse_sweep_spec(doc, "s.json");
  CHECK(plan_point(loose, pts[3], nets, files).refusal.empty());

  // A buffer too small for a layer is refused by the tiling check, as the mapper would
  // (AlexNet's conv1 needs 1936 bytes of input for its smallest tile).
  doc["base"] = test::repo("configs/arch/svpe_zcu102.json");
  doc["networks"] = {test::repo("configs/nets/alexnet.json")};
  doc["parameters"] = {{"buffers.input_kib", {1}}};
  const SweepSpec tiny_buffers = parse_sweep_spec(doc, "s.json");
  const SweepPoint p0 = expand_points(tiny_buffers)[0];
  CHECK_THAT(plan_point(tiny_buffers, p0, load_sweep_networks(tiny_buffers), files).refusal, Contains("layer conv1 does not tile: input buffer"));
}

TEST_CASE("a point's hash follows the contents of the files it reads, not only their names") {
  const std::string dir = test::scratch_dir("sweep-hash");
  const std::string base = dir + "/base.json";
  json arch = test::read_json(test::repo("configs/arch/svpe_zcu102.json"));
  arch["device"] = test::repo("configs/devices/zcu102.json");
  arch["dram"]["memory"] = test::repo("configs/memory/ddr4_2400_zcu102.json");
  test::write_text(base, arch.dump());
  json doc = minimal_sweep();
  doc["base"] = base;
  const SweepSpec s = parse_sweep_spec(doc, "s.json");
  const std::vector<SweepNetwork> nets = load_sweep_networks(s);
  const std::vector<SweepPoint> pts = expand_points(s);
  FileContents files;
  const std::string h0 = plan_point(s, pts[0], nets, files).hash;
  const std::string h1 = plan_point(s, pts[1], nets, files).hash;
  CHECK(h0 != h1);
  CHECK(plan_point(s, pts[0], nets, files).hash == h0);
  arch["clock_mhz"] = 150;
  test::write_text(base, arch.dump());
  FileContents fresh;
  CHECK(plan_point(s, pts[0], nets, fresh).hash != h0);
}

TEST_CASE("a sweep parameter list of 100000 values is read and one of 100001 is refused") {
  // Repeats are found in n log n: a list at the limit reads at once (it used to compare every
  // pair, minutes for a list this long).
  json values = json::array();
  for (int i = 1; i <= 100000; ++i) values.push_back(i);
  json doc = minimal_sweep();
  doc["parameters"] = {{"pe_array.lanes", values}};
  CHECK(parse_sweep_spec(doc, "s.json").parameters.at(0).values.size() == 100000);
  values.push_back(100001);
  doc["parameters"] = {{"pe_array.lanes", values}};
  CHECK_THAT(error_of(doc), Contains("s.json: parameters.pe_array.lanes: lists 100001 values, more than 100000"));
  values.back() = 5;
  values.erase(values.begin());
  doc["parameters"] = {{"pe_array.lanes", values}};
  CHECK_THAT(error_of(doc), Contains("s.json: parameters.pe_array.lanes[99999]: repeats the value 5"));
}

TEST_CASE("a huge parameter path in a sweep file is quoted as an excerpt") {
  json doc = minimal_sweep();
  doc["parameters"] = {{"pe_array.." + std::string(100000, 'k'), {1}}};
  const std::string err = error_of(doc);
  CHECK_THAT(err, Contains("s.json: parameters.pe_array..kkkk") && Contains("not a parameter path"));
  CHECK(err.size() < 800);
}
