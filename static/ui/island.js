// A Vue component that only renders its slot: NiceGUI renders every native element (div, span) in the render
// function of its nearest component ancestor, so without a component boundary a change to one document row
// re-renders the whole page. Inside an island, a change re-renders the island alone.
// A render function, not a template: a compiled template's block optimisations would skip diffing the vnodes
// NiceGUI's render functions make.
import { h } from "vue";

export default {
  render() {
    return h("div", this.$slots.default ? this.$slots.default() : []);
  },
};
