// Stylesheets imported by components: CSS modules give their class names, plain files nothing.
declare module "*.module.css" {
  const classes: Readonly<Record<string, string>>;
  export default classes;
}
declare module "*.css";
