// Generated from schema/codedeploy.schema.json by scripts/schema-validator.mjs (npm run build): do not edit.
import * as __ajvRuntime0 from "ajv/dist/runtime/ucs2length.js";
import * as __ajvRuntime1 from "ajv/dist/runtime/equal.js";
const validate = validate10;
var stdin_default = validate10;
const schema11 = { "$schema": "http://json-schema.org/draft-07/schema#", "$id": "https://github.com/codedeploy-gitops/codedeploy-gitops/schema/codedeploy.schema.json", "title": "codedeploy-gitops configuration", "description": "Maps git branches, tags and pull requests to AWS CodeDeploy deployment groups. Reference: docs/config.md", "type": "object", "additionalProperties": false, "required": ["application", "revision"], "properties": { "$schema": { "type": "string" }, "application": { "description": "The CodeDeploy application (compute platform Server) that owns the deployment groups.", "$ref": "#/definitions/awsName" }, "createApplication": { "description": "Create the application when it does not exist (otherwise a missing application is an error).", "type": "boolean" }, "revision": { "description": "What becomes the revision and where CodeDeploy gets it: an archive in S3 (a folder the action archives, or an archive the build made), or this repository's commit on GitHub.", "type": "object", "additionalProperties": false, "properties": { "type": { "description": "s3 (default): an archive uploaded to the bucket. github: CodeDeploy downloads the workflow's commit from GitHub itself; nothing is archived or uploaded.", "enum": ["s3", "github"] }, "bucket": { "description": "S3 bucket that holds the revisions (in the same region as CodeDeploy). With type github, optional: where the action records the deployment groups it creates.", "type": "string", "pattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "errorHint": "an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-'" }, "prefix": { "description": "S3 key prefix, for example 'revisions/'. Revisions are stored at {prefix}{application}/{digest}.{ext}.", "type": "string", "maxLength": 512, "pattern": "^([^/].*/)?$", "errorHint": "a key prefix that does not start with '/' and ends with '/', for example 'builds/'" }, "bundleType": { "description": "Archive format: zip (the CodeDeploy default), tgz or tar. All three keep unix permissions and symlinks. With archive, the format of that file (by default its extension says).", "enum": ["zip", "tgz", "tar"] }, "source": { "description": "Folder to archive, relative to the workspace. Its root must hold appspec.yml.", "type": "string", "minLength": 1 }, "archive": { "description": "An archive the build made (.zip, .tgz, .tar.gz or .tar), relative to the workspace, uploaded as it is instead of archiving source. Its root (or a single top folder) must hold appspec.yml.", "type": "string", "minLength": 1 }, "exclude": { "description": "Extra exclude patterns in gitignore syntax, relative to source, on top of .git/ and an optional .codedeployignore.", "type": "array", "items": { "type": "string", "minLength": 1 } }, "allowSecretFiles": { "description": "Secret-looking files (.env, keys, credentials) that are meant for the servers, in gitignore syntax relative to source (or to the archive's root): the warning about secrets in the bundle leaves them out.", "type": "array", "items": { "type": "string", "minLength": 1 } } }, "if": { "properties": { "type": { "const": "github" } }, "required": ["type"] }, "else": { "required": ["bucket"], "properties": { "bucket": { "description": 'The S3 bucket that holds the revisions (or "type: github": CodeDeploy gets the commit from GitHub)' } } } }, "defaults": { "description": "Deployment settings for every mapping; each one can be overridden per mapping.", "type": "object", "additionalProperties": false, "properties": { "deploymentConfig": { "$ref": "#/definitions/deploymentConfig" }, "fileExistsBehavior": { "$ref": "#/definitions/fileExistsBehavior" }, "autoRollback": { "$ref": "#/definitions/autoRollback" }, "ignoreApplicationStopFailures": { "$ref": "#/definitions/ignoreApplicationStopFailures" }, "wait": { "$ref": "#/definitions/wait" }, "onActiveDeployment": { "$ref": "#/definitions/onActiveDeployment" }, "strategy": { "$ref": "#/definitions/strategy" } } }, "paths": { "description": 'Files of the repository this application is built from: patterns in gitignore syntax, from the repository root, read in order, the last that matches a file deciding ("!shop/**/*.md" takes files back out). A push deploys the application only when it changed one of them; without paths, every push does. See docs/config.md, "Several applications in one repository".', "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 }, "errorHint": 'a list of patterns such as ["app/**", "!app/**/*.md"]' }, "unmatched": { "description": "What a ref that no entry matches does: skip (succeed without deploying) or fail.", "enum": ["skip", "fail"] }, "branches": { "description": "Branch name or glob pattern -> deployment group(s). An exact name beats a pattern; among patterns the first in file order wins; ~ skips.", "$ref": "#/definitions/branchMap" }, "tags": { "description": "Tag name or glob pattern -> deployment group(s), for pushes of refs/tags/* and published GitHub releases.", "$ref": "#/definitions/tagMap" }, "pullRequests": { "description": "Preview deployments for pull requests.", "type": "object", "additionalProperties": false, "properties": { "deploymentGroup": { "$ref": "#/definitions/groupTemplate" }, "deploymentGroups": { "$ref": "#/definitions/groupTemplateList" }, "create": { "$ref": "#/definitions/create" }, "environment": { "$ref": "#/definitions/environment" }, "environmentUrl": { "$ref": "#/definitions/environmentUrl" }, "deploymentConfig": { "$ref": "#/definitions/deploymentConfig" }, "fileExistsBehavior": { "$ref": "#/definitions/fileExistsBehavior" }, "autoRollback": { "$ref": "#/definitions/autoRollback" }, "ignoreApplicationStopFailures": { "$ref": "#/definitions/ignoreApplicationStopFailures" }, "wait": { "$ref": "#/definitions/wait" }, "onActiveDeployment": { "$ref": "#/definitions/onActiveDeployment" }, "strategy": { "$ref": "#/definitions/strategy" }, "deleteOnClose": { "description": "When the pull request closes, delete the preview group if codedeploy-gitops created it.", "type": "boolean" }, "forks": { "description": "Pull requests from forks: deny (default) skips them; allow deploys fork code.", "enum": ["deny", "allow"] }, "pullRequestTarget": { "description": "pull_request_target runs with the base repository's secrets: deny (default) refuses it.", "enum": ["deny", "allow"] } } } }, "definitions": { "awsName": { "type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[A-Za-z0-9._+=,@-]+$", "errorHint": "1-100 characters of A-Z a-z 0-9 . _ + = , @ -" }, "groupTemplate": { "description": "A deployment group name. Placeholders: {branch} {name} {tag} {ref} {pr} {sha} {shortSha} {repo}; the result is made safe for CodeDeploy.", "type": "string", "minLength": 1, "pattern": "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", "errorHint": "characters A-Z a-z 0-9 . _ + = , @ - and placeholders such as {branch}" }, "groupTemplateList": { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/groupTemplate" } }, "create": { "description": "Create the group when it is missing, copying the settings of an existing template group.", "type": "object", "additionalProperties": false, "required": ["from"], "properties": { "from": { "$ref": "#/definitions/awsName" } } }, "environment": { "description": "GitHub environment name for this mapping (default: the group name). Placeholders allowed.", "type": "string", "minLength": 1, "maxLength": 255 }, "dispatch": { "description": "Groups a workflow_dispatch on a ref this entry matches may also name in the deployment-groups input; without it, only the entry's own groups.", "type": "object", "additionalProperties": false, "required": ["groups"], "properties": { "groups": { "description": "Deployment group names, without placeholders.", "type": "array", "minItems": 1, "errorHint": "the names of one or more deployment groups, or remove dispatch", "uniqueItems": true, "items": { "$ref": "#/definitions/awsName" } } } }, "environmentUrl": { "description": "URL shown on the GitHub deployment and the pull-request comment. Placeholders allowed.", "type": "string", "pattern": "^https?://", "errorHint": "an http:// or https:// URL, for example https://{branch}.preview.example.com" }, "deploymentConfig": { "description": "Deployment config name, for example CodeDeployDefault.OneAtATime. Default: the group's own.", "$ref": "#/definitions/awsName" }, "fileExistsBehavior": { "description": "What the agent does with files in a destination that the previous deployment did not write.", "enum": ["DISALLOW", "OVERWRITE", "RETAIN"] }, "autoRollback": { "description": "Events that roll back automatically to the last good revision, or false.", "oneOf": [{ "const": false }, { "type": "array", "uniqueItems": true, "items": { "enum": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"] } }], "errorHint": "false, or a list of DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST" }, "ignoreApplicationStopFailures": { "description": "Go on when the ApplicationStop hook of the previous revision fails.", "type": "boolean" }, "wait": { "description": "How long to follow the deployments, like 30m, 1h30m or 90s; false creates them and returns.", "oneOf": [{ "const": false }, { "type": "string", "pattern": "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$" }], "errorHint": "a duration such as 30m, 1h30m or 90s, or false" }, "onActiveDeployment": { "description": "When the group already has a deployment running: wait for it, stop it, or fail.", "enum": ["wait", "stop", "fail"] }, "strategy": { "description": "parallel deploys every group at once; sequential stops at the first failure.", "enum": ["parallel", "sequential"] }, "branchMappingObject": { "type": "object", "additionalProperties": false, "properties": { "deploymentGroup": { "$ref": "#/definitions/groupTemplate" }, "deploymentGroups": { "$ref": "#/definitions/groupTemplateList" }, "create": { "$ref": "#/definitions/create" }, "environment": { "$ref": "#/definitions/environment" }, "environmentUrl": { "$ref": "#/definitions/environmentUrl" }, "dispatch": { "$ref": "#/definitions/dispatch" }, "deleteOnBranchDelete": { "description": "When a branch this entry matches is deleted (a delete event, or a push that deletes it), tear its groups down: stop what runs there, delete the groups codedeploy-gitops created. Needs create; under a pattern the group names must hold {name}, {branch} or {ref}, and none {sha} or {shortSha}.", "type": "boolean", "errorHint": "true (deleting a matching branch tears its groups down) or false" }, "deploymentConfig": { "$ref": "#/definitions/deploymentConfig" }, "fileExistsBehavior": { "$ref": "#/definitions/fileExistsBehavior" }, "autoRollback": { "$ref": "#/definitions/autoRollback" }, "ignoreApplicationStopFailures": { "$ref": "#/definitions/ignoreApplicationStopFailures" }, "wait": { "$ref": "#/definitions/wait" }, "onActiveDeployment": { "$ref": "#/definitions/onActiveDeployment" }, "strategy": { "$ref": "#/definitions/strategy" } } }, "tagMappingObject": { "type": "object", "additionalProperties": false, "properties": { "deploymentGroup": { "$ref": "#/definitions/groupTemplate" }, "deploymentGroups": { "$ref": "#/definitions/groupTemplateList" }, "create": { "$ref": "#/definitions/create" }, "environment": { "$ref": "#/definitions/environment" }, "environmentUrl": { "$ref": "#/definitions/environmentUrl" }, "dispatch": { "$ref": "#/definitions/dispatch" }, "prereleases": { "description": "A GitHub release marked pre-release deploys too (default false: skipped).", "type": "boolean", "errorHint": "true (a GitHub pre-release of a matching tag deploys) or false" }, "deploymentConfig": { "$ref": "#/definitions/deploymentConfig" }, "fileExistsBehavior": { "$ref": "#/definitions/fileExistsBehavior" }, "autoRollback": { "$ref": "#/definitions/autoRollback" }, "ignoreApplicationStopFailures": { "$ref": "#/definitions/ignoreApplicationStopFailures" }, "wait": { "$ref": "#/definitions/wait" }, "onActiveDeployment": { "$ref": "#/definitions/onActiveDeployment" }, "strategy": { "$ref": "#/definitions/strategy" } } }, "mappingShorthand": { "description": "A group name, a list of group names, or ~ to skip.", "if": { "type": "string" }, "then": { "$ref": "#/definitions/groupTemplate" }, "else": { "if": { "type": "array" }, "then": { "$ref": "#/definitions/groupTemplateList" }, "else": { "type": "null", "errorHint": "a group name, a list of group names, a mapping with deploymentGroup, or ~ to skip" } } }, "branchMapping": { "description": "A group name, a list of group names, a mapping with deploymentGroup(s) and settings, or ~ to skip.", "if": { "type": "object" }, "then": { "$ref": "#/definitions/branchMappingObject" }, "else": { "$ref": "#/definitions/mappingShorthand" } }, "tagMapping": { "description": "A group name, a list of group names, a mapping with deploymentGroup(s) and settings, or ~ to skip.", "if": { "type": "object" }, "then": { "$ref": "#/definitions/tagMappingObject" }, "else": { "$ref": "#/definitions/mappingShorthand" } }, "branchMap": { "type": "object", "additionalProperties": { "$ref": "#/definitions/branchMapping" } }, "tagMap": { "type": "object", "additionalProperties": { "$ref": "#/definitions/tagMapping" } } } };
const schema12 = { "type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[A-Za-z0-9._+=,@-]+$", "errorHint": "1-100 characters of A-Z a-z 0-9 . _ + = , @ -" };
const schema14 = { "description": "What the agent does with files in a destination that the previous deployment did not write.", "enum": ["DISALLOW", "OVERWRITE", "RETAIN"] };
const schema15 = { "description": "Events that roll back automatically to the last good revision, or false.", "oneOf": [{ "const": false }, { "type": "array", "uniqueItems": true, "items": { "enum": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"] } }], "errorHint": "false, or a list of DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST" };
const schema16 = { "description": "Go on when the ApplicationStop hook of the previous revision fails.", "type": "boolean" };
const schema17 = { "description": "How long to follow the deployments, like 30m, 1h30m or 90s; false creates them and returns.", "oneOf": [{ "const": false }, { "type": "string", "pattern": "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$" }], "errorHint": "a duration such as 30m, 1h30m or 90s, or false" };
const schema18 = { "description": "When the group already has a deployment running: wait for it, stop it, or fail.", "enum": ["wait", "stop", "fail"] };
const schema19 = { "description": "parallel deploys every group at once; sequential stops at the first failure.", "enum": ["parallel", "sequential"] };
const schema23 = { "description": "A deployment group name. Placeholders: {branch} {name} {tag} {ref} {pr} {sha} {shortSha} {repo}; the result is made safe for CodeDeploy.", "type": "string", "minLength": 1, "pattern": "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", "errorHint": "characters A-Z a-z 0-9 . _ + = , @ - and placeholders such as {branch}" };
const schema28 = { "description": "GitHub environment name for this mapping (default: the group name). Placeholders allowed.", "type": "string", "minLength": 1, "maxLength": 255 };
const schema29 = { "description": "URL shown on the GitHub deployment and the pull-request comment. Placeholders allowed.", "type": "string", "pattern": "^https?://", "errorHint": "an http:// or https:// URL, for example https://{branch}.preview.example.com" };
const func2 = Object.prototype.hasOwnProperty;
const func3 = __ajvRuntime0.default.default ?? __ajvRuntime0.default;
const func0 = __ajvRuntime1.default.default ?? __ajvRuntime1.default;
const pattern0 = new RegExp("^[A-Za-z0-9._+=,@-]+$", "u");
const pattern1 = new RegExp("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "u");
const pattern2 = new RegExp("^([^/].*/)?$", "u");
const pattern4 = new RegExp("^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$", "u");
const pattern5 = new RegExp("^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", "u");
const pattern8 = new RegExp("^https?://", "u");
const schema20 = { "type": "object", "additionalProperties": { "$ref": "#/definitions/branchMapping" } };
const schema21 = { "description": "A group name, a list of group names, a mapping with deploymentGroup(s) and settings, or ~ to skip.", "if": { "type": "object" }, "then": { "$ref": "#/definitions/branchMappingObject" }, "else": { "$ref": "#/definitions/mappingShorthand" } };
const schema22 = { "type": "object", "additionalProperties": false, "properties": { "deploymentGroup": { "$ref": "#/definitions/groupTemplate" }, "deploymentGroups": { "$ref": "#/definitions/groupTemplateList" }, "create": { "$ref": "#/definitions/create" }, "environment": { "$ref": "#/definitions/environment" }, "environmentUrl": { "$ref": "#/definitions/environmentUrl" }, "dispatch": { "$ref": "#/definitions/dispatch" }, "deleteOnBranchDelete": { "description": "When a branch this entry matches is deleted (a delete event, or a push that deletes it), tear its groups down: stop what runs there, delete the groups codedeploy-gitops created. Needs create; under a pattern the group names must hold {name}, {branch} or {ref}, and none {sha} or {shortSha}.", "type": "boolean", "errorHint": "true (deleting a matching branch tears its groups down) or false" }, "deploymentConfig": { "$ref": "#/definitions/deploymentConfig" }, "fileExistsBehavior": { "$ref": "#/definitions/fileExistsBehavior" }, "autoRollback": { "$ref": "#/definitions/autoRollback" }, "ignoreApplicationStopFailures": { "$ref": "#/definitions/ignoreApplicationStopFailures" }, "wait": { "$ref": "#/definitions/wait" }, "onActiveDeployment": { "$ref": "#/definitions/onActiveDeployment" }, "strategy": { "$ref": "#/definitions/strategy" } } };
const schema24 = { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/groupTemplate" } };
function validate14(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (Array.isArray(data)) {
    if (data.length < 1) {
      const err0 = { instancePath, schemaPath: "#/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items", schema: 1, parentSchema: schema24, data };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    const len0 = data.length;
    for (let i0 = 0; i0 < len0; i0++) {
      let data0 = data[i0];
      if (typeof data0 === "string") {
        if (func3(data0) < 1) {
          const err1 = { instancePath: instancePath + "/" + i0, schemaPath: "#/definitions/groupTemplate/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema23, data: data0 };
          if (vErrors === null) {
            vErrors = [err1];
          } else {
            vErrors.push(err1);
          }
          errors++;
        }
        if (!pattern5.test(data0)) {
          const err2 = { instancePath: instancePath + "/" + i0, schemaPath: "#/definitions/groupTemplate/pattern", keyword: "pattern", params: { pattern: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$" }, message: 'must match pattern "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$"', schema: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", parentSchema: schema23, data: data0 };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      } else {
        const err3 = { instancePath: instancePath + "/" + i0, schemaPath: "#/definitions/groupTemplate/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema23.type, parentSchema: schema23, data: data0 };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
  } else {
    const err4 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema24.type, parentSchema: schema24, data };
    if (vErrors === null) {
      vErrors = [err4];
    } else {
      vErrors.push(err4);
    }
    errors++;
  }
  validate14.errors = vErrors;
  return errors === 0;
}
const schema26 = { "description": "Create the group when it is missing, copying the settings of an existing template group.", "type": "object", "additionalProperties": false, "required": ["from"], "properties": { "from": { "$ref": "#/definitions/awsName" } } };
function validate16(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.from === void 0) {
      const err0 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "from" }, message: "must have required property 'from'", schema: schema26.required, parentSchema: schema26, data };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "from")) {
        const err1 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties", schema: false, parentSchema: schema26, data };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.from !== void 0) {
      let data0 = data.from;
      if (typeof data0 === "string") {
        if (func3(data0) > 100) {
          const err2 = { instancePath: instancePath + "/from", schemaPath: "#/definitions/awsName/maxLength", keyword: "maxLength", params: { limit: 100 }, message: "must NOT have more than 100 characters", schema: 100, parentSchema: schema12, data: data0 };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
        if (func3(data0) < 1) {
          const err3 = { instancePath: instancePath + "/from", schemaPath: "#/definitions/awsName/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema12, data: data0 };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
        if (!pattern0.test(data0)) {
          const err4 = { instancePath: instancePath + "/from", schemaPath: "#/definitions/awsName/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9._+=,@-]+$" }, message: 'must match pattern "^[A-Za-z0-9._+=,@-]+$"', schema: "^[A-Za-z0-9._+=,@-]+$", parentSchema: schema12, data: data0 };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      } else {
        const err5 = { instancePath: instancePath + "/from", schemaPath: "#/definitions/awsName/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema12.type, parentSchema: schema12, data: data0 };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
  } else {
    const err6 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema26.type, parentSchema: schema26, data };
    if (vErrors === null) {
      vErrors = [err6];
    } else {
      vErrors.push(err6);
    }
    errors++;
  }
  validate16.errors = vErrors;
  return errors === 0;
}
const schema30 = { "description": "Groups a workflow_dispatch on a ref this entry matches may also name in the deployment-groups input; without it, only the entry's own groups.", "type": "object", "additionalProperties": false, "required": ["groups"], "properties": { "groups": { "description": "Deployment group names, without placeholders.", "type": "array", "minItems": 1, "errorHint": "the names of one or more deployment groups, or remove dispatch", "uniqueItems": true, "items": { "$ref": "#/definitions/awsName" } } } };
function validate18(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.groups === void 0) {
      const err0 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "groups" }, message: "must have required property 'groups'", schema: schema30.required, parentSchema: schema30, data };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "groups")) {
        const err1 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties", schema: false, parentSchema: schema30, data };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (data.groups !== void 0) {
      let data0 = data.groups;
      if (Array.isArray(data0)) {
        if (data0.length < 1) {
          const err2 = { instancePath: instancePath + "/groups", schemaPath: "#/properties/groups/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items", schema: 1, parentSchema: schema30.properties.groups, data: data0 };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
        const len0 = data0.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data1 = data0[i0];
          if (typeof data1 === "string") {
            if (func3(data1) > 100) {
              const err3 = { instancePath: instancePath + "/groups/" + i0, schemaPath: "#/definitions/awsName/maxLength", keyword: "maxLength", params: { limit: 100 }, message: "must NOT have more than 100 characters", schema: 100, parentSchema: schema12, data: data1 };
              if (vErrors === null) {
                vErrors = [err3];
              } else {
                vErrors.push(err3);
              }
              errors++;
            }
            if (func3(data1) < 1) {
              const err4 = { instancePath: instancePath + "/groups/" + i0, schemaPath: "#/definitions/awsName/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema12, data: data1 };
              if (vErrors === null) {
                vErrors = [err4];
              } else {
                vErrors.push(err4);
              }
              errors++;
            }
            if (!pattern0.test(data1)) {
              const err5 = { instancePath: instancePath + "/groups/" + i0, schemaPath: "#/definitions/awsName/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9._+=,@-]+$" }, message: 'must match pattern "^[A-Za-z0-9._+=,@-]+$"', schema: "^[A-Za-z0-9._+=,@-]+$", parentSchema: schema12, data: data1 };
              if (vErrors === null) {
                vErrors = [err5];
              } else {
                vErrors.push(err5);
              }
              errors++;
            }
          } else {
            const err6 = { instancePath: instancePath + "/groups/" + i0, schemaPath: "#/definitions/awsName/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema12.type, parentSchema: schema12, data: data1 };
            if (vErrors === null) {
              vErrors = [err6];
            } else {
              vErrors.push(err6);
            }
            errors++;
          }
        }
        let i1 = data0.length;
        let j0;
        if (i1 > 1) {
          outer0: for (; i1--; ) {
            for (j0 = i1; j0--; ) {
              if (func0(data0[i1], data0[j0])) {
                const err7 = { instancePath: instancePath + "/groups", schemaPath: "#/properties/groups/uniqueItems", keyword: "uniqueItems", params: { i: i1, j: j0 }, message: "must NOT have duplicate items (items ## " + j0 + " and " + i1 + " are identical)", schema: true, parentSchema: schema30.properties.groups, data: data0 };
                if (vErrors === null) {
                  vErrors = [err7];
                } else {
                  vErrors.push(err7);
                }
                errors++;
                break outer0;
              }
            }
          }
        }
      } else {
        const err8 = { instancePath: instancePath + "/groups", schemaPath: "#/properties/groups/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema30.properties.groups.type, parentSchema: schema30.properties.groups, data: data0 };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
  } else {
    const err9 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema30.type, parentSchema: schema30, data };
    if (vErrors === null) {
      vErrors = [err9];
    } else {
      vErrors.push(err9);
    }
    errors++;
  }
  validate18.errors = vErrors;
  return errors === 0;
}
function validate13(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    for (const key0 in data) {
      if (!func2.call(schema22.properties, key0)) {
        const err0 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties", schema: false, parentSchema: schema22, data };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    if (data.deploymentGroup !== void 0) {
      let data0 = data.deploymentGroup;
      if (typeof data0 === "string") {
        if (func3(data0) < 1) {
          const err1 = { instancePath: instancePath + "/deploymentGroup", schemaPath: "#/definitions/groupTemplate/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema23, data: data0 };
          if (vErrors === null) {
            vErrors = [err1];
          } else {
            vErrors.push(err1);
          }
          errors++;
        }
        if (!pattern5.test(data0)) {
          const err2 = { instancePath: instancePath + "/deploymentGroup", schemaPath: "#/definitions/groupTemplate/pattern", keyword: "pattern", params: { pattern: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$" }, message: 'must match pattern "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$"', schema: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", parentSchema: schema23, data: data0 };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      } else {
        const err3 = { instancePath: instancePath + "/deploymentGroup", schemaPath: "#/definitions/groupTemplate/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema23.type, parentSchema: schema23, data: data0 };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.deploymentGroups !== void 0) {
      if (!validate14(data.deploymentGroups, { instancePath: instancePath + "/deploymentGroups", parentData: data, parentDataProperty: "deploymentGroups", rootData })) {
        vErrors = vErrors === null ? validate14.errors : vErrors.concat(validate14.errors);
        errors = vErrors.length;
      }
    }
    if (data.create !== void 0) {
      if (!validate16(data.create, { instancePath: instancePath + "/create", parentData: data, parentDataProperty: "create", rootData })) {
        vErrors = vErrors === null ? validate16.errors : vErrors.concat(validate16.errors);
        errors = vErrors.length;
      }
    }
    if (data.environment !== void 0) {
      let data3 = data.environment;
      if (typeof data3 === "string") {
        if (func3(data3) > 255) {
          const err4 = { instancePath: instancePath + "/environment", schemaPath: "#/definitions/environment/maxLength", keyword: "maxLength", params: { limit: 255 }, message: "must NOT have more than 255 characters", schema: 255, parentSchema: schema28, data: data3 };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
        if (func3(data3) < 1) {
          const err5 = { instancePath: instancePath + "/environment", schemaPath: "#/definitions/environment/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema28, data: data3 };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      } else {
        const err6 = { instancePath: instancePath + "/environment", schemaPath: "#/definitions/environment/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema28.type, parentSchema: schema28, data: data3 };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.environmentUrl !== void 0) {
      let data4 = data.environmentUrl;
      if (typeof data4 === "string") {
        if (!pattern8.test(data4)) {
          const err7 = { instancePath: instancePath + "/environmentUrl", schemaPath: "#/definitions/environmentUrl/pattern", keyword: "pattern", params: { pattern: "^https?://" }, message: 'must match pattern "^https?://"', schema: "^https?://", parentSchema: schema29, data: data4 };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      } else {
        const err8 = { instancePath: instancePath + "/environmentUrl", schemaPath: "#/definitions/environmentUrl/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema29.type, parentSchema: schema29, data: data4 };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.dispatch !== void 0) {
      if (!validate18(data.dispatch, { instancePath: instancePath + "/dispatch", parentData: data, parentDataProperty: "dispatch", rootData })) {
        vErrors = vErrors === null ? validate18.errors : vErrors.concat(validate18.errors);
        errors = vErrors.length;
      }
    }
    if (data.deleteOnBranchDelete !== void 0) {
      let data6 = data.deleteOnBranchDelete;
      if (typeof data6 !== "boolean") {
        const err9 = { instancePath: instancePath + "/deleteOnBranchDelete", schemaPath: "#/properties/deleteOnBranchDelete/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema22.properties.deleteOnBranchDelete.type, parentSchema: schema22.properties.deleteOnBranchDelete, data: data6 };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.deploymentConfig !== void 0) {
      let data7 = data.deploymentConfig;
      if (typeof data7 === "string") {
        if (func3(data7) > 100) {
          const err10 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/maxLength", keyword: "maxLength", params: { limit: 100 }, message: "must NOT have more than 100 characters", schema: 100, parentSchema: schema12, data: data7 };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
        if (func3(data7) < 1) {
          const err11 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema12, data: data7 };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
        if (!pattern0.test(data7)) {
          const err12 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9._+=,@-]+$" }, message: 'must match pattern "^[A-Za-z0-9._+=,@-]+$"', schema: "^[A-Za-z0-9._+=,@-]+$", parentSchema: schema12, data: data7 };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema12.type, parentSchema: schema12, data: data7 };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.fileExistsBehavior !== void 0) {
      let data8 = data.fileExistsBehavior;
      if (!(data8 === "DISALLOW" || data8 === "OVERWRITE" || data8 === "RETAIN")) {
        const err14 = { instancePath: instancePath + "/fileExistsBehavior", schemaPath: "#/definitions/fileExistsBehavior/enum", keyword: "enum", params: { allowedValues: schema14.enum }, message: "must be equal to one of the allowed values", schema: schema14.enum, parentSchema: schema14, data: data8 };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.autoRollback !== void 0) {
      let data9 = data.autoRollback;
      const _errs23 = errors;
      let valid7 = false;
      let passing0 = null;
      const _errs24 = errors;
      if (false !== data9) {
        const err15 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema15.oneOf[0], data: data9 };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
      var _valid0 = _errs24 === errors;
      if (_valid0) {
        valid7 = true;
        passing0 = 0;
      }
      const _errs25 = errors;
      if (Array.isArray(data9)) {
        const len0 = data9.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data10 = data9[i0];
          if (!(data10 === "DEPLOYMENT_FAILURE" || data10 === "DEPLOYMENT_STOP_ON_ALARM" || data10 === "DEPLOYMENT_STOP_ON_REQUEST")) {
            const err16 = { instancePath: instancePath + "/autoRollback/" + i0, schemaPath: "#/definitions/autoRollback/oneOf/1/items/enum", keyword: "enum", params: { allowedValues: schema15.oneOf[1].items.enum }, message: "must be equal to one of the allowed values", schema: schema15.oneOf[1].items.enum, parentSchema: schema15.oneOf[1].items, data: data10 };
            if (vErrors === null) {
              vErrors = [err16];
            } else {
              vErrors.push(err16);
            }
            errors++;
          }
        }
        let i1 = data9.length;
        let j0;
        if (i1 > 1) {
          outer0: for (; i1--; ) {
            for (j0 = i1; j0--; ) {
              if (func0(data9[i1], data9[j0])) {
                const err17 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/uniqueItems", keyword: "uniqueItems", params: { i: i1, j: j0 }, message: "must NOT have duplicate items (items ## " + j0 + " and " + i1 + " are identical)", schema: true, parentSchema: schema15.oneOf[1], data: data9 };
                if (vErrors === null) {
                  vErrors = [err17];
                } else {
                  vErrors.push(err17);
                }
                errors++;
                break outer0;
              }
            }
          }
        }
      } else {
        const err18 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema15.oneOf[1].type, parentSchema: schema15.oneOf[1], data: data9 };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
      var _valid0 = _errs25 === errors;
      if (_valid0 && valid7) {
        valid7 = false;
        passing0 = [passing0, 1];
      } else {
        if (_valid0) {
          valid7 = true;
          passing0 = 1;
        }
      }
      if (!valid7) {
        const err19 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf", keyword: "oneOf", params: { passingSchemas: passing0 }, message: "must match exactly one schema in oneOf", schema: schema15.oneOf, parentSchema: schema15, data: data9 };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      } else {
        errors = _errs23;
        if (vErrors !== null) {
          if (_errs23) {
            vErrors.length = _errs23;
          } else {
            vErrors = null;
          }
        }
      }
    }
    if (data.ignoreApplicationStopFailures !== void 0) {
      let data11 = data.ignoreApplicationStopFailures;
      if (typeof data11 !== "boolean") {
        const err20 = { instancePath: instancePath + "/ignoreApplicationStopFailures", schemaPath: "#/definitions/ignoreApplicationStopFailures/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema16.type, parentSchema: schema16, data: data11 };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    if (data.wait !== void 0) {
      let data12 = data.wait;
      const _errs33 = errors;
      let valid13 = false;
      let passing1 = null;
      const _errs34 = errors;
      if (false !== data12) {
        const err21 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema17.oneOf[0], data: data12 };
        if (vErrors === null) {
          vErrors = [err21];
        } else {
          vErrors.push(err21);
        }
        errors++;
      }
      var _valid1 = _errs34 === errors;
      if (_valid1) {
        valid13 = true;
        passing1 = 0;
      }
      const _errs35 = errors;
      if (typeof data12 === "string") {
        if (!pattern4.test(data12)) {
          const err22 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf/1/pattern", keyword: "pattern", params: { pattern: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$" }, message: 'must match pattern "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$"', schema: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$", parentSchema: schema17.oneOf[1], data: data12 };
          if (vErrors === null) {
            vErrors = [err22];
          } else {
            vErrors.push(err22);
          }
          errors++;
        }
      } else {
        const err23 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf/1/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema17.oneOf[1].type, parentSchema: schema17.oneOf[1], data: data12 };
        if (vErrors === null) {
          vErrors = [err23];
        } else {
          vErrors.push(err23);
        }
        errors++;
      }
      var _valid1 = _errs35 === errors;
      if (_valid1 && valid13) {
        valid13 = false;
        passing1 = [passing1, 1];
      } else {
        if (_valid1) {
          valid13 = true;
          passing1 = 1;
        }
      }
      if (!valid13) {
        const err24 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf", keyword: "oneOf", params: { passingSchemas: passing1 }, message: "must match exactly one schema in oneOf", schema: schema17.oneOf, parentSchema: schema17, data: data12 };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      } else {
        errors = _errs33;
        if (vErrors !== null) {
          if (_errs33) {
            vErrors.length = _errs33;
          } else {
            vErrors = null;
          }
        }
      }
    }
    if (data.onActiveDeployment !== void 0) {
      let data13 = data.onActiveDeployment;
      if (!(data13 === "wait" || data13 === "stop" || data13 === "fail")) {
        const err25 = { instancePath: instancePath + "/onActiveDeployment", schemaPath: "#/definitions/onActiveDeployment/enum", keyword: "enum", params: { allowedValues: schema18.enum }, message: "must be equal to one of the allowed values", schema: schema18.enum, parentSchema: schema18, data: data13 };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.strategy !== void 0) {
      let data14 = data.strategy;
      if (!(data14 === "parallel" || data14 === "sequential")) {
        const err26 = { instancePath: instancePath + "/strategy", schemaPath: "#/definitions/strategy/enum", keyword: "enum", params: { allowedValues: schema19.enum }, message: "must be equal to one of the allowed values", schema: schema19.enum, parentSchema: schema19, data: data14 };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
    }
  } else {
    const err27 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema22.type, parentSchema: schema22, data };
    if (vErrors === null) {
      vErrors = [err27];
    } else {
      vErrors.push(err27);
    }
    errors++;
  }
  validate13.errors = vErrors;
  return errors === 0;
}
const schema39 = { "description": "A group name, a list of group names, or ~ to skip.", "if": { "type": "string" }, "then": { "$ref": "#/definitions/groupTemplate" }, "else": { "if": { "type": "array" }, "then": { "$ref": "#/definitions/groupTemplateList" }, "else": { "type": "null", "errorHint": "a group name, a list of group names, a mapping with deploymentGroup, or ~ to skip" } } };
function validate21(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  const _errs0 = errors;
  let valid0 = true;
  const _errs1 = errors;
  if (typeof data !== "string") {
    const err0 = {};
    if (vErrors === null) {
      vErrors = [err0];
    } else {
      vErrors.push(err0);
    }
    errors++;
  }
  var _valid0 = _errs1 === errors;
  errors = _errs0;
  if (vErrors !== null) {
    if (_errs0) {
      vErrors.length = _errs0;
    } else {
      vErrors = null;
    }
  }
  let ifClause0;
  if (_valid0) {
    const _errs3 = errors;
    if (typeof data === "string") {
      if (func3(data) < 1) {
        const err1 = { instancePath, schemaPath: "#/definitions/groupTemplate/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema23, data };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
      if (!pattern5.test(data)) {
        const err2 = { instancePath, schemaPath: "#/definitions/groupTemplate/pattern", keyword: "pattern", params: { pattern: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$" }, message: 'must match pattern "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$"', schema: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", parentSchema: schema23, data };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    } else {
      const err3 = { instancePath, schemaPath: "#/definitions/groupTemplate/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema23.type, parentSchema: schema23, data };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    var _valid0 = _errs3 === errors;
    valid0 = _valid0;
    ifClause0 = "then";
  } else {
    const _errs6 = errors;
    const _errs7 = errors;
    let valid2 = true;
    const _errs8 = errors;
    if (!Array.isArray(data)) {
      const err4 = {};
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    var _valid1 = _errs8 === errors;
    errors = _errs7;
    if (vErrors !== null) {
      if (_errs7) {
        vErrors.length = _errs7;
      } else {
        vErrors = null;
      }
    }
    let ifClause1;
    if (_valid1) {
      const _errs10 = errors;
      if (!validate14(data, { instancePath, parentData, parentDataProperty, rootData })) {
        vErrors = vErrors === null ? validate14.errors : vErrors.concat(validate14.errors);
        errors = vErrors.length;
      }
      var _valid1 = _errs10 === errors;
      valid2 = _valid1;
      ifClause1 = "then";
    } else {
      const _errs11 = errors;
      if (data !== null) {
        const err5 = { instancePath, schemaPath: "#/else/else/type", keyword: "type", params: { type: "null" }, message: "must be null", schema: schema39.else.else.type, parentSchema: schema39.else.else, data };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
      var _valid1 = _errs11 === errors;
      valid2 = _valid1;
      ifClause1 = "else";
    }
    if (!valid2) {
      const err6 = { instancePath, schemaPath: "#/else/if", keyword: "if", params: { failingKeyword: ifClause1 }, message: 'must match "' + ifClause1 + '" schema', schema: schema39.else.if, parentSchema: schema39.else, data };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    var _valid0 = _errs6 === errors;
    valid0 = _valid0;
    ifClause0 = "else";
  }
  if (!valid0) {
    const err7 = { instancePath, schemaPath: "#/if", keyword: "if", params: { failingKeyword: ifClause0 }, message: 'must match "' + ifClause0 + '" schema', schema: schema39.if, parentSchema: schema39, data };
    if (vErrors === null) {
      vErrors = [err7];
    } else {
      vErrors.push(err7);
    }
    errors++;
  }
  validate21.errors = vErrors;
  return errors === 0;
}
function validate12(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  const _errs0 = errors;
  let valid0 = true;
  const _errs1 = errors;
  if (!(data && typeof data == "object" && !Array.isArray(data))) {
    const err0 = {};
    if (vErrors === null) {
      vErrors = [err0];
    } else {
      vErrors.push(err0);
    }
    errors++;
  }
  var _valid0 = _errs1 === errors;
  errors = _errs0;
  if (vErrors !== null) {
    if (_errs0) {
      vErrors.length = _errs0;
    } else {
      vErrors = null;
    }
  }
  let ifClause0;
  if (_valid0) {
    const _errs3 = errors;
    if (!validate13(data, { instancePath, parentData, parentDataProperty, rootData })) {
      vErrors = vErrors === null ? validate13.errors : vErrors.concat(validate13.errors);
      errors = vErrors.length;
    }
    var _valid0 = _errs3 === errors;
    valid0 = _valid0;
    ifClause0 = "then";
  } else {
    const _errs4 = errors;
    if (!validate21(data, { instancePath, parentData, parentDataProperty, rootData })) {
      vErrors = vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
      errors = vErrors.length;
    }
    var _valid0 = _errs4 === errors;
    valid0 = _valid0;
    ifClause0 = "else";
  }
  if (!valid0) {
    const err1 = { instancePath, schemaPath: "#/if", keyword: "if", params: { failingKeyword: ifClause0 }, message: 'must match "' + ifClause0 + '" schema', schema: schema21.if, parentSchema: schema21, data };
    if (vErrors === null) {
      vErrors = [err1];
    } else {
      vErrors.push(err1);
    }
    errors++;
  }
  validate12.errors = vErrors;
  return errors === 0;
}
function validate11(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    for (const key0 in data) {
      if (!validate12(data[key0], { instancePath: instancePath + "/" + key0.replace(/~/g, "~0").replace(/\//g, "~1"), parentData: data, parentDataProperty: key0, rootData })) {
        vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
        errors = vErrors.length;
      }
    }
  } else {
    const err0 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema20.type, parentSchema: schema20, data };
    if (vErrors === null) {
      vErrors = [err0];
    } else {
      vErrors.push(err0);
    }
    errors++;
  }
  validate11.errors = vErrors;
  return errors === 0;
}
const schema41 = { "type": "object", "additionalProperties": { "$ref": "#/definitions/tagMapping" } };
const schema42 = { "description": "A group name, a list of group names, a mapping with deploymentGroup(s) and settings, or ~ to skip.", "if": { "type": "object" }, "then": { "$ref": "#/definitions/tagMappingObject" }, "else": { "$ref": "#/definitions/mappingShorthand" } };
const schema43 = { "type": "object", "additionalProperties": false, "properties": { "deploymentGroup": { "$ref": "#/definitions/groupTemplate" }, "deploymentGroups": { "$ref": "#/definitions/groupTemplateList" }, "create": { "$ref": "#/definitions/create" }, "environment": { "$ref": "#/definitions/environment" }, "environmentUrl": { "$ref": "#/definitions/environmentUrl" }, "dispatch": { "$ref": "#/definitions/dispatch" }, "prereleases": { "description": "A GitHub release marked pre-release deploys too (default false: skipped).", "type": "boolean", "errorHint": "true (a GitHub pre-release of a matching tag deploys) or false" }, "deploymentConfig": { "$ref": "#/definitions/deploymentConfig" }, "fileExistsBehavior": { "$ref": "#/definitions/fileExistsBehavior" }, "autoRollback": { "$ref": "#/definitions/autoRollback" }, "ignoreApplicationStopFailures": { "$ref": "#/definitions/ignoreApplicationStopFailures" }, "wait": { "$ref": "#/definitions/wait" }, "onActiveDeployment": { "$ref": "#/definitions/onActiveDeployment" }, "strategy": { "$ref": "#/definitions/strategy" } } };
function validate28(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    for (const key0 in data) {
      if (!func2.call(schema43.properties, key0)) {
        const err0 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties", schema: false, parentSchema: schema43, data };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    if (data.deploymentGroup !== void 0) {
      let data0 = data.deploymentGroup;
      if (typeof data0 === "string") {
        if (func3(data0) < 1) {
          const err1 = { instancePath: instancePath + "/deploymentGroup", schemaPath: "#/definitions/groupTemplate/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema23, data: data0 };
          if (vErrors === null) {
            vErrors = [err1];
          } else {
            vErrors.push(err1);
          }
          errors++;
        }
        if (!pattern5.test(data0)) {
          const err2 = { instancePath: instancePath + "/deploymentGroup", schemaPath: "#/definitions/groupTemplate/pattern", keyword: "pattern", params: { pattern: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$" }, message: 'must match pattern "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$"', schema: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", parentSchema: schema23, data: data0 };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      } else {
        const err3 = { instancePath: instancePath + "/deploymentGroup", schemaPath: "#/definitions/groupTemplate/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema23.type, parentSchema: schema23, data: data0 };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.deploymentGroups !== void 0) {
      if (!validate14(data.deploymentGroups, { instancePath: instancePath + "/deploymentGroups", parentData: data, parentDataProperty: "deploymentGroups", rootData })) {
        vErrors = vErrors === null ? validate14.errors : vErrors.concat(validate14.errors);
        errors = vErrors.length;
      }
    }
    if (data.create !== void 0) {
      if (!validate16(data.create, { instancePath: instancePath + "/create", parentData: data, parentDataProperty: "create", rootData })) {
        vErrors = vErrors === null ? validate16.errors : vErrors.concat(validate16.errors);
        errors = vErrors.length;
      }
    }
    if (data.environment !== void 0) {
      let data3 = data.environment;
      if (typeof data3 === "string") {
        if (func3(data3) > 255) {
          const err4 = { instancePath: instancePath + "/environment", schemaPath: "#/definitions/environment/maxLength", keyword: "maxLength", params: { limit: 255 }, message: "must NOT have more than 255 characters", schema: 255, parentSchema: schema28, data: data3 };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
        if (func3(data3) < 1) {
          const err5 = { instancePath: instancePath + "/environment", schemaPath: "#/definitions/environment/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema28, data: data3 };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      } else {
        const err6 = { instancePath: instancePath + "/environment", schemaPath: "#/definitions/environment/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema28.type, parentSchema: schema28, data: data3 };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.environmentUrl !== void 0) {
      let data4 = data.environmentUrl;
      if (typeof data4 === "string") {
        if (!pattern8.test(data4)) {
          const err7 = { instancePath: instancePath + "/environmentUrl", schemaPath: "#/definitions/environmentUrl/pattern", keyword: "pattern", params: { pattern: "^https?://" }, message: 'must match pattern "^https?://"', schema: "^https?://", parentSchema: schema29, data: data4 };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      } else {
        const err8 = { instancePath: instancePath + "/environmentUrl", schemaPath: "#/definitions/environmentUrl/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema29.type, parentSchema: schema29, data: data4 };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.dispatch !== void 0) {
      if (!validate18(data.dispatch, { instancePath: instancePath + "/dispatch", parentData: data, parentDataProperty: "dispatch", rootData })) {
        vErrors = vErrors === null ? validate18.errors : vErrors.concat(validate18.errors);
        errors = vErrors.length;
      }
    }
    if (data.prereleases !== void 0) {
      let data6 = data.prereleases;
      if (typeof data6 !== "boolean") {
        const err9 = { instancePath: instancePath + "/prereleases", schemaPath: "#/properties/prereleases/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema43.properties.prereleases.type, parentSchema: schema43.properties.prereleases, data: data6 };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.deploymentConfig !== void 0) {
      let data7 = data.deploymentConfig;
      if (typeof data7 === "string") {
        if (func3(data7) > 100) {
          const err10 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/maxLength", keyword: "maxLength", params: { limit: 100 }, message: "must NOT have more than 100 characters", schema: 100, parentSchema: schema12, data: data7 };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
        if (func3(data7) < 1) {
          const err11 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema12, data: data7 };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
        if (!pattern0.test(data7)) {
          const err12 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9._+=,@-]+$" }, message: 'must match pattern "^[A-Za-z0-9._+=,@-]+$"', schema: "^[A-Za-z0-9._+=,@-]+$", parentSchema: schema12, data: data7 };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      } else {
        const err13 = { instancePath: instancePath + "/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema12.type, parentSchema: schema12, data: data7 };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (data.fileExistsBehavior !== void 0) {
      let data8 = data.fileExistsBehavior;
      if (!(data8 === "DISALLOW" || data8 === "OVERWRITE" || data8 === "RETAIN")) {
        const err14 = { instancePath: instancePath + "/fileExistsBehavior", schemaPath: "#/definitions/fileExistsBehavior/enum", keyword: "enum", params: { allowedValues: schema14.enum }, message: "must be equal to one of the allowed values", schema: schema14.enum, parentSchema: schema14, data: data8 };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
    if (data.autoRollback !== void 0) {
      let data9 = data.autoRollback;
      const _errs23 = errors;
      let valid7 = false;
      let passing0 = null;
      const _errs24 = errors;
      if (false !== data9) {
        const err15 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema15.oneOf[0], data: data9 };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
      var _valid0 = _errs24 === errors;
      if (_valid0) {
        valid7 = true;
        passing0 = 0;
      }
      const _errs25 = errors;
      if (Array.isArray(data9)) {
        const len0 = data9.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data10 = data9[i0];
          if (!(data10 === "DEPLOYMENT_FAILURE" || data10 === "DEPLOYMENT_STOP_ON_ALARM" || data10 === "DEPLOYMENT_STOP_ON_REQUEST")) {
            const err16 = { instancePath: instancePath + "/autoRollback/" + i0, schemaPath: "#/definitions/autoRollback/oneOf/1/items/enum", keyword: "enum", params: { allowedValues: schema15.oneOf[1].items.enum }, message: "must be equal to one of the allowed values", schema: schema15.oneOf[1].items.enum, parentSchema: schema15.oneOf[1].items, data: data10 };
            if (vErrors === null) {
              vErrors = [err16];
            } else {
              vErrors.push(err16);
            }
            errors++;
          }
        }
        let i1 = data9.length;
        let j0;
        if (i1 > 1) {
          outer0: for (; i1--; ) {
            for (j0 = i1; j0--; ) {
              if (func0(data9[i1], data9[j0])) {
                const err17 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/uniqueItems", keyword: "uniqueItems", params: { i: i1, j: j0 }, message: "must NOT have duplicate items (items ## " + j0 + " and " + i1 + " are identical)", schema: true, parentSchema: schema15.oneOf[1], data: data9 };
                if (vErrors === null) {
                  vErrors = [err17];
                } else {
                  vErrors.push(err17);
                }
                errors++;
                break outer0;
              }
            }
          }
        }
      } else {
        const err18 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema15.oneOf[1].type, parentSchema: schema15.oneOf[1], data: data9 };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
      var _valid0 = _errs25 === errors;
      if (_valid0 && valid7) {
        valid7 = false;
        passing0 = [passing0, 1];
      } else {
        if (_valid0) {
          valid7 = true;
          passing0 = 1;
        }
      }
      if (!valid7) {
        const err19 = { instancePath: instancePath + "/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf", keyword: "oneOf", params: { passingSchemas: passing0 }, message: "must match exactly one schema in oneOf", schema: schema15.oneOf, parentSchema: schema15, data: data9 };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      } else {
        errors = _errs23;
        if (vErrors !== null) {
          if (_errs23) {
            vErrors.length = _errs23;
          } else {
            vErrors = null;
          }
        }
      }
    }
    if (data.ignoreApplicationStopFailures !== void 0) {
      let data11 = data.ignoreApplicationStopFailures;
      if (typeof data11 !== "boolean") {
        const err20 = { instancePath: instancePath + "/ignoreApplicationStopFailures", schemaPath: "#/definitions/ignoreApplicationStopFailures/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema16.type, parentSchema: schema16, data: data11 };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    if (data.wait !== void 0) {
      let data12 = data.wait;
      const _errs33 = errors;
      let valid13 = false;
      let passing1 = null;
      const _errs34 = errors;
      if (false !== data12) {
        const err21 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema17.oneOf[0], data: data12 };
        if (vErrors === null) {
          vErrors = [err21];
        } else {
          vErrors.push(err21);
        }
        errors++;
      }
      var _valid1 = _errs34 === errors;
      if (_valid1) {
        valid13 = true;
        passing1 = 0;
      }
      const _errs35 = errors;
      if (typeof data12 === "string") {
        if (!pattern4.test(data12)) {
          const err22 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf/1/pattern", keyword: "pattern", params: { pattern: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$" }, message: 'must match pattern "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$"', schema: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$", parentSchema: schema17.oneOf[1], data: data12 };
          if (vErrors === null) {
            vErrors = [err22];
          } else {
            vErrors.push(err22);
          }
          errors++;
        }
      } else {
        const err23 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf/1/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema17.oneOf[1].type, parentSchema: schema17.oneOf[1], data: data12 };
        if (vErrors === null) {
          vErrors = [err23];
        } else {
          vErrors.push(err23);
        }
        errors++;
      }
      var _valid1 = _errs35 === errors;
      if (_valid1 && valid13) {
        valid13 = false;
        passing1 = [passing1, 1];
      } else {
        if (_valid1) {
          valid13 = true;
          passing1 = 1;
        }
      }
      if (!valid13) {
        const err24 = { instancePath: instancePath + "/wait", schemaPath: "#/definitions/wait/oneOf", keyword: "oneOf", params: { passingSchemas: passing1 }, message: "must match exactly one schema in oneOf", schema: schema17.oneOf, parentSchema: schema17, data: data12 };
        if (vErrors === null) {
          vErrors = [err24];
        } else {
          vErrors.push(err24);
        }
        errors++;
      } else {
        errors = _errs33;
        if (vErrors !== null) {
          if (_errs33) {
            vErrors.length = _errs33;
          } else {
            vErrors = null;
          }
        }
      }
    }
    if (data.onActiveDeployment !== void 0) {
      let data13 = data.onActiveDeployment;
      if (!(data13 === "wait" || data13 === "stop" || data13 === "fail")) {
        const err25 = { instancePath: instancePath + "/onActiveDeployment", schemaPath: "#/definitions/onActiveDeployment/enum", keyword: "enum", params: { allowedValues: schema18.enum }, message: "must be equal to one of the allowed values", schema: schema18.enum, parentSchema: schema18, data: data13 };
        if (vErrors === null) {
          vErrors = [err25];
        } else {
          vErrors.push(err25);
        }
        errors++;
      }
    }
    if (data.strategy !== void 0) {
      let data14 = data.strategy;
      if (!(data14 === "parallel" || data14 === "sequential")) {
        const err26 = { instancePath: instancePath + "/strategy", schemaPath: "#/definitions/strategy/enum", keyword: "enum", params: { allowedValues: schema19.enum }, message: "must be equal to one of the allowed values", schema: schema19.enum, parentSchema: schema19, data: data14 };
        if (vErrors === null) {
          vErrors = [err26];
        } else {
          vErrors.push(err26);
        }
        errors++;
      }
    }
  } else {
    const err27 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema43.type, parentSchema: schema43, data };
    if (vErrors === null) {
      vErrors = [err27];
    } else {
      vErrors.push(err27);
    }
    errors++;
  }
  validate28.errors = vErrors;
  return errors === 0;
}
function validate27(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  const _errs0 = errors;
  let valid0 = true;
  const _errs1 = errors;
  if (!(data && typeof data == "object" && !Array.isArray(data))) {
    const err0 = {};
    if (vErrors === null) {
      vErrors = [err0];
    } else {
      vErrors.push(err0);
    }
    errors++;
  }
  var _valid0 = _errs1 === errors;
  errors = _errs0;
  if (vErrors !== null) {
    if (_errs0) {
      vErrors.length = _errs0;
    } else {
      vErrors = null;
    }
  }
  let ifClause0;
  if (_valid0) {
    const _errs3 = errors;
    if (!validate28(data, { instancePath, parentData, parentDataProperty, rootData })) {
      vErrors = vErrors === null ? validate28.errors : vErrors.concat(validate28.errors);
      errors = vErrors.length;
    }
    var _valid0 = _errs3 === errors;
    valid0 = _valid0;
    ifClause0 = "then";
  } else {
    const _errs4 = errors;
    if (!validate21(data, { instancePath, parentData, parentDataProperty, rootData })) {
      vErrors = vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
      errors = vErrors.length;
    }
    var _valid0 = _errs4 === errors;
    valid0 = _valid0;
    ifClause0 = "else";
  }
  if (!valid0) {
    const err1 = { instancePath, schemaPath: "#/if", keyword: "if", params: { failingKeyword: ifClause0 }, message: 'must match "' + ifClause0 + '" schema', schema: schema42.if, parentSchema: schema42, data };
    if (vErrors === null) {
      vErrors = [err1];
    } else {
      vErrors.push(err1);
    }
    errors++;
  }
  validate27.errors = vErrors;
  return errors === 0;
}
function validate26(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    for (const key0 in data) {
      if (!validate27(data[key0], { instancePath: instancePath + "/" + key0.replace(/~/g, "~0").replace(/\//g, "~1"), parentData: data, parentDataProperty: key0, rootData })) {
        vErrors = vErrors === null ? validate27.errors : vErrors.concat(validate27.errors);
        errors = vErrors.length;
      }
    }
  } else {
    const err0 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema41.type, parentSchema: schema41, data };
    if (vErrors === null) {
      vErrors = [err0];
    } else {
      vErrors.push(err0);
    }
    errors++;
  }
  validate26.errors = vErrors;
  return errors === 0;
}
function validate10(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  ;
  let vErrors = null;
  let errors = 0;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.application === void 0) {
      const err0 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "application" }, message: "must have required property 'application'", schema: schema11.required, parentSchema: schema11, data };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.revision === void 0) {
      const err1 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "revision" }, message: "must have required property 'revision'", schema: schema11.required, parentSchema: schema11, data };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!func2.call(schema11.properties, key0)) {
        const err2 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties", schema: false, parentSchema: schema11, data };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.$schema !== void 0) {
      let data0 = data.$schema;
      if (typeof data0 !== "string") {
        const err3 = { instancePath: instancePath + "/$schema", schemaPath: "#/properties/%24schema/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.$schema.type, parentSchema: schema11.properties.$schema, data: data0 };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.application !== void 0) {
      let data1 = data.application;
      if (typeof data1 === "string") {
        if (func3(data1) > 100) {
          const err4 = { instancePath: instancePath + "/application", schemaPath: "#/definitions/awsName/maxLength", keyword: "maxLength", params: { limit: 100 }, message: "must NOT have more than 100 characters", schema: 100, parentSchema: schema12, data: data1 };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
        if (func3(data1) < 1) {
          const err5 = { instancePath: instancePath + "/application", schemaPath: "#/definitions/awsName/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema12, data: data1 };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
        if (!pattern0.test(data1)) {
          const err6 = { instancePath: instancePath + "/application", schemaPath: "#/definitions/awsName/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9._+=,@-]+$" }, message: 'must match pattern "^[A-Za-z0-9._+=,@-]+$"', schema: "^[A-Za-z0-9._+=,@-]+$", parentSchema: schema12, data: data1 };
          if (vErrors === null) {
            vErrors = [err6];
          } else {
            vErrors.push(err6);
          }
          errors++;
        }
      } else {
        const err7 = { instancePath: instancePath + "/application", schemaPath: "#/definitions/awsName/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema12.type, parentSchema: schema12, data: data1 };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.createApplication !== void 0) {
      let data2 = data.createApplication;
      if (typeof data2 !== "boolean") {
        const err8 = { instancePath: instancePath + "/createApplication", schemaPath: "#/properties/createApplication/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema11.properties.createApplication.type, parentSchema: schema11.properties.createApplication, data: data2 };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.revision !== void 0) {
      let data3 = data.revision;
      const _errs11 = errors;
      let valid2 = true;
      const _errs12 = errors;
      if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
        let missing0;
        if (data3.type === void 0 && (missing0 = "type")) {
          const err9 = {};
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        } else {
          if (data3.type !== void 0) {
            if ("github" !== data3.type) {
              const err10 = {};
              if (vErrors === null) {
                vErrors = [err10];
              } else {
                vErrors.push(err10);
              }
              errors++;
            }
          }
        }
      }
      var _valid0 = _errs12 === errors;
      errors = _errs11;
      if (vErrors !== null) {
        if (_errs11) {
          vErrors.length = _errs11;
        } else {
          vErrors = null;
        }
      }
      if (!_valid0) {
        const _errs14 = errors;
        if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
          if (data3.bucket === void 0) {
            const err11 = { instancePath: instancePath + "/revision", schemaPath: "#/properties/revision/else/required", keyword: "required", params: { missingProperty: "bucket" }, message: "must have required property 'bucket'", schema: schema11.properties.revision.else.required, parentSchema: schema11.properties.revision.else, data: data3 };
            if (vErrors === null) {
              vErrors = [err11];
            } else {
              vErrors.push(err11);
            }
            errors++;
          }
        }
        var _valid0 = _errs14 === errors;
        valid2 = _valid0;
      }
      if (!valid2) {
        const err12 = { instancePath: instancePath + "/revision", schemaPath: "#/properties/revision/if", keyword: "if", params: { failingKeyword: "else" }, message: 'must match "else" schema', schema: schema11.properties.revision.if, parentSchema: schema11.properties.revision, data: data3 };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
      if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
        for (const key1 in data3) {
          if (!(key1 === "type" || key1 === "bucket" || key1 === "prefix" || key1 === "bundleType" || key1 === "source" || key1 === "archive" || key1 === "exclude" || key1 === "allowSecretFiles")) {
            const err13 = { instancePath: instancePath + "/revision", schemaPath: "#/properties/revision/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key1 }, message: "must NOT have additional properties", schema: false, parentSchema: schema11.properties.revision, data: data3 };
            if (vErrors === null) {
              vErrors = [err13];
            } else {
              vErrors.push(err13);
            }
            errors++;
          }
        }
        if (data3.type !== void 0) {
          let data5 = data3.type;
          if (!(data5 === "s3" || data5 === "github")) {
            const err14 = { instancePath: instancePath + "/revision/type", schemaPath: "#/properties/revision/properties/type/enum", keyword: "enum", params: { allowedValues: schema11.properties.revision.properties.type.enum }, message: "must be equal to one of the allowed values", schema: schema11.properties.revision.properties.type.enum, parentSchema: schema11.properties.revision.properties.type, data: data5 };
            if (vErrors === null) {
              vErrors = [err14];
            } else {
              vErrors.push(err14);
            }
            errors++;
          }
        }
        if (data3.bucket !== void 0) {
          let data6 = data3.bucket;
          if (typeof data6 === "string") {
            if (!pattern1.test(data6)) {
              const err15 = { instancePath: instancePath + "/revision/bucket", schemaPath: "#/properties/revision/properties/bucket/pattern", keyword: "pattern", params: { pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" }, message: 'must match pattern "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"', schema: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", parentSchema: schema11.properties.revision.properties.bucket, data: data6 };
              if (vErrors === null) {
                vErrors = [err15];
              } else {
                vErrors.push(err15);
              }
              errors++;
            }
          } else {
            const err16 = { instancePath: instancePath + "/revision/bucket", schemaPath: "#/properties/revision/properties/bucket/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.revision.properties.bucket.type, parentSchema: schema11.properties.revision.properties.bucket, data: data6 };
            if (vErrors === null) {
              vErrors = [err16];
            } else {
              vErrors.push(err16);
            }
            errors++;
          }
        }
        if (data3.prefix !== void 0) {
          let data7 = data3.prefix;
          if (typeof data7 === "string") {
            if (func3(data7) > 512) {
              const err17 = { instancePath: instancePath + "/revision/prefix", schemaPath: "#/properties/revision/properties/prefix/maxLength", keyword: "maxLength", params: { limit: 512 }, message: "must NOT have more than 512 characters", schema: 512, parentSchema: schema11.properties.revision.properties.prefix, data: data7 };
              if (vErrors === null) {
                vErrors = [err17];
              } else {
                vErrors.push(err17);
              }
              errors++;
            }
            if (!pattern2.test(data7)) {
              const err18 = { instancePath: instancePath + "/revision/prefix", schemaPath: "#/properties/revision/properties/prefix/pattern", keyword: "pattern", params: { pattern: "^([^/].*/)?$" }, message: 'must match pattern "^([^/].*/)?$"', schema: "^([^/].*/)?$", parentSchema: schema11.properties.revision.properties.prefix, data: data7 };
              if (vErrors === null) {
                vErrors = [err18];
              } else {
                vErrors.push(err18);
              }
              errors++;
            }
          } else {
            const err19 = { instancePath: instancePath + "/revision/prefix", schemaPath: "#/properties/revision/properties/prefix/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.revision.properties.prefix.type, parentSchema: schema11.properties.revision.properties.prefix, data: data7 };
            if (vErrors === null) {
              vErrors = [err19];
            } else {
              vErrors.push(err19);
            }
            errors++;
          }
        }
        if (data3.bundleType !== void 0) {
          let data8 = data3.bundleType;
          if (!(data8 === "zip" || data8 === "tgz" || data8 === "tar")) {
            const err20 = { instancePath: instancePath + "/revision/bundleType", schemaPath: "#/properties/revision/properties/bundleType/enum", keyword: "enum", params: { allowedValues: schema11.properties.revision.properties.bundleType.enum }, message: "must be equal to one of the allowed values", schema: schema11.properties.revision.properties.bundleType.enum, parentSchema: schema11.properties.revision.properties.bundleType, data: data8 };
            if (vErrors === null) {
              vErrors = [err20];
            } else {
              vErrors.push(err20);
            }
            errors++;
          }
        }
        if (data3.source !== void 0) {
          let data9 = data3.source;
          if (typeof data9 === "string") {
            if (func3(data9) < 1) {
              const err21 = { instancePath: instancePath + "/revision/source", schemaPath: "#/properties/revision/properties/source/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema11.properties.revision.properties.source, data: data9 };
              if (vErrors === null) {
                vErrors = [err21];
              } else {
                vErrors.push(err21);
              }
              errors++;
            }
          } else {
            const err22 = { instancePath: instancePath + "/revision/source", schemaPath: "#/properties/revision/properties/source/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.revision.properties.source.type, parentSchema: schema11.properties.revision.properties.source, data: data9 };
            if (vErrors === null) {
              vErrors = [err22];
            } else {
              vErrors.push(err22);
            }
            errors++;
          }
        }
        if (data3.archive !== void 0) {
          let data10 = data3.archive;
          if (typeof data10 === "string") {
            if (func3(data10) < 1) {
              const err23 = { instancePath: instancePath + "/revision/archive", schemaPath: "#/properties/revision/properties/archive/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema11.properties.revision.properties.archive, data: data10 };
              if (vErrors === null) {
                vErrors = [err23];
              } else {
                vErrors.push(err23);
              }
              errors++;
            }
          } else {
            const err24 = { instancePath: instancePath + "/revision/archive", schemaPath: "#/properties/revision/properties/archive/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.revision.properties.archive.type, parentSchema: schema11.properties.revision.properties.archive, data: data10 };
            if (vErrors === null) {
              vErrors = [err24];
            } else {
              vErrors.push(err24);
            }
            errors++;
          }
        }
        if (data3.exclude !== void 0) {
          let data11 = data3.exclude;
          if (Array.isArray(data11)) {
            const len0 = data11.length;
            for (let i0 = 0; i0 < len0; i0++) {
              let data12 = data11[i0];
              if (typeof data12 === "string") {
                if (func3(data12) < 1) {
                  const err25 = { instancePath: instancePath + "/revision/exclude/" + i0, schemaPath: "#/properties/revision/properties/exclude/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema11.properties.revision.properties.exclude.items, data: data12 };
                  if (vErrors === null) {
                    vErrors = [err25];
                  } else {
                    vErrors.push(err25);
                  }
                  errors++;
                }
              } else {
                const err26 = { instancePath: instancePath + "/revision/exclude/" + i0, schemaPath: "#/properties/revision/properties/exclude/items/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.revision.properties.exclude.items.type, parentSchema: schema11.properties.revision.properties.exclude.items, data: data12 };
                if (vErrors === null) {
                  vErrors = [err26];
                } else {
                  vErrors.push(err26);
                }
                errors++;
              }
            }
          } else {
            const err27 = { instancePath: instancePath + "/revision/exclude", schemaPath: "#/properties/revision/properties/exclude/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema11.properties.revision.properties.exclude.type, parentSchema: schema11.properties.revision.properties.exclude, data: data11 };
            if (vErrors === null) {
              vErrors = [err27];
            } else {
              vErrors.push(err27);
            }
            errors++;
          }
        }
        if (data3.allowSecretFiles !== void 0) {
          let data13 = data3.allowSecretFiles;
          if (Array.isArray(data13)) {
            const len1 = data13.length;
            for (let i1 = 0; i1 < len1; i1++) {
              let data14 = data13[i1];
              if (typeof data14 === "string") {
                if (func3(data14) < 1) {
                  const err28 = { instancePath: instancePath + "/revision/allowSecretFiles/" + i1, schemaPath: "#/properties/revision/properties/allowSecretFiles/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema11.properties.revision.properties.allowSecretFiles.items, data: data14 };
                  if (vErrors === null) {
                    vErrors = [err28];
                  } else {
                    vErrors.push(err28);
                  }
                  errors++;
                }
              } else {
                const err29 = { instancePath: instancePath + "/revision/allowSecretFiles/" + i1, schemaPath: "#/properties/revision/properties/allowSecretFiles/items/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.revision.properties.allowSecretFiles.items.type, parentSchema: schema11.properties.revision.properties.allowSecretFiles.items, data: data14 };
                if (vErrors === null) {
                  vErrors = [err29];
                } else {
                  vErrors.push(err29);
                }
                errors++;
              }
            }
          } else {
            const err30 = { instancePath: instancePath + "/revision/allowSecretFiles", schemaPath: "#/properties/revision/properties/allowSecretFiles/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema11.properties.revision.properties.allowSecretFiles.type, parentSchema: schema11.properties.revision.properties.allowSecretFiles, data: data13 };
            if (vErrors === null) {
              vErrors = [err30];
            } else {
              vErrors.push(err30);
            }
            errors++;
          }
        }
      } else {
        const err31 = { instancePath: instancePath + "/revision", schemaPath: "#/properties/revision/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema11.properties.revision.type, parentSchema: schema11.properties.revision, data: data3 };
        if (vErrors === null) {
          vErrors = [err31];
        } else {
          vErrors.push(err31);
        }
        errors++;
      }
    }
    if (data.defaults !== void 0) {
      let data15 = data.defaults;
      if (data15 && typeof data15 == "object" && !Array.isArray(data15)) {
        for (const key2 in data15) {
          if (!(key2 === "deploymentConfig" || key2 === "fileExistsBehavior" || key2 === "autoRollback" || key2 === "ignoreApplicationStopFailures" || key2 === "wait" || key2 === "onActiveDeployment" || key2 === "strategy")) {
            const err32 = { instancePath: instancePath + "/defaults", schemaPath: "#/properties/defaults/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key2 }, message: "must NOT have additional properties", schema: false, parentSchema: schema11.properties.defaults, data: data15 };
            if (vErrors === null) {
              vErrors = [err32];
            } else {
              vErrors.push(err32);
            }
            errors++;
          }
        }
        if (data15.deploymentConfig !== void 0) {
          let data16 = data15.deploymentConfig;
          if (typeof data16 === "string") {
            if (func3(data16) > 100) {
              const err33 = { instancePath: instancePath + "/defaults/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/maxLength", keyword: "maxLength", params: { limit: 100 }, message: "must NOT have more than 100 characters", schema: 100, parentSchema: schema12, data: data16 };
              if (vErrors === null) {
                vErrors = [err33];
              } else {
                vErrors.push(err33);
              }
              errors++;
            }
            if (func3(data16) < 1) {
              const err34 = { instancePath: instancePath + "/defaults/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema12, data: data16 };
              if (vErrors === null) {
                vErrors = [err34];
              } else {
                vErrors.push(err34);
              }
              errors++;
            }
            if (!pattern0.test(data16)) {
              const err35 = { instancePath: instancePath + "/defaults/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9._+=,@-]+$" }, message: 'must match pattern "^[A-Za-z0-9._+=,@-]+$"', schema: "^[A-Za-z0-9._+=,@-]+$", parentSchema: schema12, data: data16 };
              if (vErrors === null) {
                vErrors = [err35];
              } else {
                vErrors.push(err35);
              }
              errors++;
            }
          } else {
            const err36 = { instancePath: instancePath + "/defaults/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema12.type, parentSchema: schema12, data: data16 };
            if (vErrors === null) {
              vErrors = [err36];
            } else {
              vErrors.push(err36);
            }
            errors++;
          }
        }
        if (data15.fileExistsBehavior !== void 0) {
          let data17 = data15.fileExistsBehavior;
          if (!(data17 === "DISALLOW" || data17 === "OVERWRITE" || data17 === "RETAIN")) {
            const err37 = { instancePath: instancePath + "/defaults/fileExistsBehavior", schemaPath: "#/definitions/fileExistsBehavior/enum", keyword: "enum", params: { allowedValues: schema14.enum }, message: "must be equal to one of the allowed values", schema: schema14.enum, parentSchema: schema14, data: data17 };
            if (vErrors === null) {
              vErrors = [err37];
            } else {
              vErrors.push(err37);
            }
            errors++;
          }
        }
        if (data15.autoRollback !== void 0) {
          let data18 = data15.autoRollback;
          const _errs44 = errors;
          let valid13 = false;
          let passing0 = null;
          const _errs45 = errors;
          if (false !== data18) {
            const err38 = { instancePath: instancePath + "/defaults/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema15.oneOf[0], data: data18 };
            if (vErrors === null) {
              vErrors = [err38];
            } else {
              vErrors.push(err38);
            }
            errors++;
          }
          var _valid1 = _errs45 === errors;
          if (_valid1) {
            valid13 = true;
            passing0 = 0;
          }
          const _errs46 = errors;
          if (Array.isArray(data18)) {
            const len2 = data18.length;
            for (let i2 = 0; i2 < len2; i2++) {
              let data19 = data18[i2];
              if (!(data19 === "DEPLOYMENT_FAILURE" || data19 === "DEPLOYMENT_STOP_ON_ALARM" || data19 === "DEPLOYMENT_STOP_ON_REQUEST")) {
                const err39 = { instancePath: instancePath + "/defaults/autoRollback/" + i2, schemaPath: "#/definitions/autoRollback/oneOf/1/items/enum", keyword: "enum", params: { allowedValues: schema15.oneOf[1].items.enum }, message: "must be equal to one of the allowed values", schema: schema15.oneOf[1].items.enum, parentSchema: schema15.oneOf[1].items, data: data19 };
                if (vErrors === null) {
                  vErrors = [err39];
                } else {
                  vErrors.push(err39);
                }
                errors++;
              }
            }
            let i3 = data18.length;
            let j0;
            if (i3 > 1) {
              outer0: for (; i3--; ) {
                for (j0 = i3; j0--; ) {
                  if (func0(data18[i3], data18[j0])) {
                    const err40 = { instancePath: instancePath + "/defaults/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/uniqueItems", keyword: "uniqueItems", params: { i: i3, j: j0 }, message: "must NOT have duplicate items (items ## " + j0 + " and " + i3 + " are identical)", schema: true, parentSchema: schema15.oneOf[1], data: data18 };
                    if (vErrors === null) {
                      vErrors = [err40];
                    } else {
                      vErrors.push(err40);
                    }
                    errors++;
                    break outer0;
                  }
                }
              }
            }
          } else {
            const err41 = { instancePath: instancePath + "/defaults/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema15.oneOf[1].type, parentSchema: schema15.oneOf[1], data: data18 };
            if (vErrors === null) {
              vErrors = [err41];
            } else {
              vErrors.push(err41);
            }
            errors++;
          }
          var _valid1 = _errs46 === errors;
          if (_valid1 && valid13) {
            valid13 = false;
            passing0 = [passing0, 1];
          } else {
            if (_valid1) {
              valid13 = true;
              passing0 = 1;
            }
          }
          if (!valid13) {
            const err42 = { instancePath: instancePath + "/defaults/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf", keyword: "oneOf", params: { passingSchemas: passing0 }, message: "must match exactly one schema in oneOf", schema: schema15.oneOf, parentSchema: schema15, data: data18 };
            if (vErrors === null) {
              vErrors = [err42];
            } else {
              vErrors.push(err42);
            }
            errors++;
          } else {
            errors = _errs44;
            if (vErrors !== null) {
              if (_errs44) {
                vErrors.length = _errs44;
              } else {
                vErrors = null;
              }
            }
          }
        }
        if (data15.ignoreApplicationStopFailures !== void 0) {
          let data20 = data15.ignoreApplicationStopFailures;
          if (typeof data20 !== "boolean") {
            const err43 = { instancePath: instancePath + "/defaults/ignoreApplicationStopFailures", schemaPath: "#/definitions/ignoreApplicationStopFailures/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema16.type, parentSchema: schema16, data: data20 };
            if (vErrors === null) {
              vErrors = [err43];
            } else {
              vErrors.push(err43);
            }
            errors++;
          }
        }
        if (data15.wait !== void 0) {
          let data21 = data15.wait;
          const _errs54 = errors;
          let valid19 = false;
          let passing1 = null;
          const _errs55 = errors;
          if (false !== data21) {
            const err44 = { instancePath: instancePath + "/defaults/wait", schemaPath: "#/definitions/wait/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema17.oneOf[0], data: data21 };
            if (vErrors === null) {
              vErrors = [err44];
            } else {
              vErrors.push(err44);
            }
            errors++;
          }
          var _valid2 = _errs55 === errors;
          if (_valid2) {
            valid19 = true;
            passing1 = 0;
          }
          const _errs56 = errors;
          if (typeof data21 === "string") {
            if (!pattern4.test(data21)) {
              const err45 = { instancePath: instancePath + "/defaults/wait", schemaPath: "#/definitions/wait/oneOf/1/pattern", keyword: "pattern", params: { pattern: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$" }, message: 'must match pattern "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$"', schema: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$", parentSchema: schema17.oneOf[1], data: data21 };
              if (vErrors === null) {
                vErrors = [err45];
              } else {
                vErrors.push(err45);
              }
              errors++;
            }
          } else {
            const err46 = { instancePath: instancePath + "/defaults/wait", schemaPath: "#/definitions/wait/oneOf/1/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema17.oneOf[1].type, parentSchema: schema17.oneOf[1], data: data21 };
            if (vErrors === null) {
              vErrors = [err46];
            } else {
              vErrors.push(err46);
            }
            errors++;
          }
          var _valid2 = _errs56 === errors;
          if (_valid2 && valid19) {
            valid19 = false;
            passing1 = [passing1, 1];
          } else {
            if (_valid2) {
              valid19 = true;
              passing1 = 1;
            }
          }
          if (!valid19) {
            const err47 = { instancePath: instancePath + "/defaults/wait", schemaPath: "#/definitions/wait/oneOf", keyword: "oneOf", params: { passingSchemas: passing1 }, message: "must match exactly one schema in oneOf", schema: schema17.oneOf, parentSchema: schema17, data: data21 };
            if (vErrors === null) {
              vErrors = [err47];
            } else {
              vErrors.push(err47);
            }
            errors++;
          } else {
            errors = _errs54;
            if (vErrors !== null) {
              if (_errs54) {
                vErrors.length = _errs54;
              } else {
                vErrors = null;
              }
            }
          }
        }
        if (data15.onActiveDeployment !== void 0) {
          let data22 = data15.onActiveDeployment;
          if (!(data22 === "wait" || data22 === "stop" || data22 === "fail")) {
            const err48 = { instancePath: instancePath + "/defaults/onActiveDeployment", schemaPath: "#/definitions/onActiveDeployment/enum", keyword: "enum", params: { allowedValues: schema18.enum }, message: "must be equal to one of the allowed values", schema: schema18.enum, parentSchema: schema18, data: data22 };
            if (vErrors === null) {
              vErrors = [err48];
            } else {
              vErrors.push(err48);
            }
            errors++;
          }
        }
        if (data15.strategy !== void 0) {
          let data23 = data15.strategy;
          if (!(data23 === "parallel" || data23 === "sequential")) {
            const err49 = { instancePath: instancePath + "/defaults/strategy", schemaPath: "#/definitions/strategy/enum", keyword: "enum", params: { allowedValues: schema19.enum }, message: "must be equal to one of the allowed values", schema: schema19.enum, parentSchema: schema19, data: data23 };
            if (vErrors === null) {
              vErrors = [err49];
            } else {
              vErrors.push(err49);
            }
            errors++;
          }
        }
      } else {
        const err50 = { instancePath: instancePath + "/defaults", schemaPath: "#/properties/defaults/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema11.properties.defaults.type, parentSchema: schema11.properties.defaults, data: data15 };
        if (vErrors === null) {
          vErrors = [err50];
        } else {
          vErrors.push(err50);
        }
        errors++;
      }
    }
    if (data.paths !== void 0) {
      let data24 = data.paths;
      if (Array.isArray(data24)) {
        if (data24.length < 1) {
          const err51 = { instancePath: instancePath + "/paths", schemaPath: "#/properties/paths/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items", schema: 1, parentSchema: schema11.properties.paths, data: data24 };
          if (vErrors === null) {
            vErrors = [err51];
          } else {
            vErrors.push(err51);
          }
          errors++;
        }
        const len3 = data24.length;
        for (let i4 = 0; i4 < len3; i4++) {
          let data25 = data24[i4];
          if (typeof data25 === "string") {
            if (func3(data25) < 1) {
              const err52 = { instancePath: instancePath + "/paths/" + i4, schemaPath: "#/properties/paths/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema11.properties.paths.items, data: data25 };
              if (vErrors === null) {
                vErrors = [err52];
              } else {
                vErrors.push(err52);
              }
              errors++;
            }
          } else {
            const err53 = { instancePath: instancePath + "/paths/" + i4, schemaPath: "#/properties/paths/items/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema11.properties.paths.items.type, parentSchema: schema11.properties.paths.items, data: data25 };
            if (vErrors === null) {
              vErrors = [err53];
            } else {
              vErrors.push(err53);
            }
            errors++;
          }
        }
      } else {
        const err54 = { instancePath: instancePath + "/paths", schemaPath: "#/properties/paths/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema11.properties.paths.type, parentSchema: schema11.properties.paths, data: data24 };
        if (vErrors === null) {
          vErrors = [err54];
        } else {
          vErrors.push(err54);
        }
        errors++;
      }
    }
    if (data.unmatched !== void 0) {
      let data26 = data.unmatched;
      if (!(data26 === "skip" || data26 === "fail")) {
        const err55 = { instancePath: instancePath + "/unmatched", schemaPath: "#/properties/unmatched/enum", keyword: "enum", params: { allowedValues: schema11.properties.unmatched.enum }, message: "must be equal to one of the allowed values", schema: schema11.properties.unmatched.enum, parentSchema: schema11.properties.unmatched, data: data26 };
        if (vErrors === null) {
          vErrors = [err55];
        } else {
          vErrors.push(err55);
        }
        errors++;
      }
    }
    if (data.branches !== void 0) {
      if (!validate11(data.branches, { instancePath: instancePath + "/branches", parentData: data, parentDataProperty: "branches", rootData })) {
        vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
        errors = vErrors.length;
      }
    }
    if (data.tags !== void 0) {
      if (!validate26(data.tags, { instancePath: instancePath + "/tags", parentData: data, parentDataProperty: "tags", rootData })) {
        vErrors = vErrors === null ? validate26.errors : vErrors.concat(validate26.errors);
        errors = vErrors.length;
      }
    }
    if (data.pullRequests !== void 0) {
      let data29 = data.pullRequests;
      if (data29 && typeof data29 == "object" && !Array.isArray(data29)) {
        for (const key3 in data29) {
          if (!func2.call(schema11.properties.pullRequests.properties, key3)) {
            const err56 = { instancePath: instancePath + "/pullRequests", schemaPath: "#/properties/pullRequests/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key3 }, message: "must NOT have additional properties", schema: false, parentSchema: schema11.properties.pullRequests, data: data29 };
            if (vErrors === null) {
              vErrors = [err56];
            } else {
              vErrors.push(err56);
            }
            errors++;
          }
        }
        if (data29.deploymentGroup !== void 0) {
          let data30 = data29.deploymentGroup;
          if (typeof data30 === "string") {
            if (func3(data30) < 1) {
              const err57 = { instancePath: instancePath + "/pullRequests/deploymentGroup", schemaPath: "#/definitions/groupTemplate/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema23, data: data30 };
              if (vErrors === null) {
                vErrors = [err57];
              } else {
                vErrors.push(err57);
              }
              errors++;
            }
            if (!pattern5.test(data30)) {
              const err58 = { instancePath: instancePath + "/pullRequests/deploymentGroup", schemaPath: "#/definitions/groupTemplate/pattern", keyword: "pattern", params: { pattern: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$" }, message: 'must match pattern "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$"', schema: "^([A-Za-z0-9._+=,@-]|\\{[A-Za-z]+\\})+$", parentSchema: schema23, data: data30 };
              if (vErrors === null) {
                vErrors = [err58];
              } else {
                vErrors.push(err58);
              }
              errors++;
            }
          } else {
            const err59 = { instancePath: instancePath + "/pullRequests/deploymentGroup", schemaPath: "#/definitions/groupTemplate/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema23.type, parentSchema: schema23, data: data30 };
            if (vErrors === null) {
              vErrors = [err59];
            } else {
              vErrors.push(err59);
            }
            errors++;
          }
        }
        if (data29.deploymentGroups !== void 0) {
          if (!validate14(data29.deploymentGroups, { instancePath: instancePath + "/pullRequests/deploymentGroups", parentData: data29, parentDataProperty: "deploymentGroups", rootData })) {
            vErrors = vErrors === null ? validate14.errors : vErrors.concat(validate14.errors);
            errors = vErrors.length;
          }
        }
        if (data29.create !== void 0) {
          if (!validate16(data29.create, { instancePath: instancePath + "/pullRequests/create", parentData: data29, parentDataProperty: "create", rootData })) {
            vErrors = vErrors === null ? validate16.errors : vErrors.concat(validate16.errors);
            errors = vErrors.length;
          }
        }
        if (data29.environment !== void 0) {
          let data33 = data29.environment;
          if (typeof data33 === "string") {
            if (func3(data33) > 255) {
              const err60 = { instancePath: instancePath + "/pullRequests/environment", schemaPath: "#/definitions/environment/maxLength", keyword: "maxLength", params: { limit: 255 }, message: "must NOT have more than 255 characters", schema: 255, parentSchema: schema28, data: data33 };
              if (vErrors === null) {
                vErrors = [err60];
              } else {
                vErrors.push(err60);
              }
              errors++;
            }
            if (func3(data33) < 1) {
              const err61 = { instancePath: instancePath + "/pullRequests/environment", schemaPath: "#/definitions/environment/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema28, data: data33 };
              if (vErrors === null) {
                vErrors = [err61];
              } else {
                vErrors.push(err61);
              }
              errors++;
            }
          } else {
            const err62 = { instancePath: instancePath + "/pullRequests/environment", schemaPath: "#/definitions/environment/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema28.type, parentSchema: schema28, data: data33 };
            if (vErrors === null) {
              vErrors = [err62];
            } else {
              vErrors.push(err62);
            }
            errors++;
          }
        }
        if (data29.environmentUrl !== void 0) {
          let data34 = data29.environmentUrl;
          if (typeof data34 === "string") {
            if (!pattern8.test(data34)) {
              const err63 = { instancePath: instancePath + "/pullRequests/environmentUrl", schemaPath: "#/definitions/environmentUrl/pattern", keyword: "pattern", params: { pattern: "^https?://" }, message: 'must match pattern "^https?://"', schema: "^https?://", parentSchema: schema29, data: data34 };
              if (vErrors === null) {
                vErrors = [err63];
              } else {
                vErrors.push(err63);
              }
              errors++;
            }
          } else {
            const err64 = { instancePath: instancePath + "/pullRequests/environmentUrl", schemaPath: "#/definitions/environmentUrl/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema29.type, parentSchema: schema29, data: data34 };
            if (vErrors === null) {
              vErrors = [err64];
            } else {
              vErrors.push(err64);
            }
            errors++;
          }
        }
        if (data29.deploymentConfig !== void 0) {
          let data35 = data29.deploymentConfig;
          if (typeof data35 === "string") {
            if (func3(data35) > 100) {
              const err65 = { instancePath: instancePath + "/pullRequests/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/maxLength", keyword: "maxLength", params: { limit: 100 }, message: "must NOT have more than 100 characters", schema: 100, parentSchema: schema12, data: data35 };
              if (vErrors === null) {
                vErrors = [err65];
              } else {
                vErrors.push(err65);
              }
              errors++;
            }
            if (func3(data35) < 1) {
              const err66 = { instancePath: instancePath + "/pullRequests/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters", schema: 1, parentSchema: schema12, data: data35 };
              if (vErrors === null) {
                vErrors = [err66];
              } else {
                vErrors.push(err66);
              }
              errors++;
            }
            if (!pattern0.test(data35)) {
              const err67 = { instancePath: instancePath + "/pullRequests/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9._+=,@-]+$" }, message: 'must match pattern "^[A-Za-z0-9._+=,@-]+$"', schema: "^[A-Za-z0-9._+=,@-]+$", parentSchema: schema12, data: data35 };
              if (vErrors === null) {
                vErrors = [err67];
              } else {
                vErrors.push(err67);
              }
              errors++;
            }
          } else {
            const err68 = { instancePath: instancePath + "/pullRequests/deploymentConfig", schemaPath: "#/definitions/deploymentConfig/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema12.type, parentSchema: schema12, data: data35 };
            if (vErrors === null) {
              vErrors = [err68];
            } else {
              vErrors.push(err68);
            }
            errors++;
          }
        }
        if (data29.fileExistsBehavior !== void 0) {
          let data36 = data29.fileExistsBehavior;
          if (!(data36 === "DISALLOW" || data36 === "OVERWRITE" || data36 === "RETAIN")) {
            const err69 = { instancePath: instancePath + "/pullRequests/fileExistsBehavior", schemaPath: "#/definitions/fileExistsBehavior/enum", keyword: "enum", params: { allowedValues: schema14.enum }, message: "must be equal to one of the allowed values", schema: schema14.enum, parentSchema: schema14, data: data36 };
            if (vErrors === null) {
              vErrors = [err69];
            } else {
              vErrors.push(err69);
            }
            errors++;
          }
        }
        if (data29.autoRollback !== void 0) {
          let data37 = data29.autoRollback;
          const _errs90 = errors;
          let valid31 = false;
          let passing2 = null;
          const _errs91 = errors;
          if (false !== data37) {
            const err70 = { instancePath: instancePath + "/pullRequests/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema15.oneOf[0], data: data37 };
            if (vErrors === null) {
              vErrors = [err70];
            } else {
              vErrors.push(err70);
            }
            errors++;
          }
          var _valid3 = _errs91 === errors;
          if (_valid3) {
            valid31 = true;
            passing2 = 0;
          }
          const _errs92 = errors;
          if (Array.isArray(data37)) {
            const len4 = data37.length;
            for (let i5 = 0; i5 < len4; i5++) {
              let data38 = data37[i5];
              if (!(data38 === "DEPLOYMENT_FAILURE" || data38 === "DEPLOYMENT_STOP_ON_ALARM" || data38 === "DEPLOYMENT_STOP_ON_REQUEST")) {
                const err71 = { instancePath: instancePath + "/pullRequests/autoRollback/" + i5, schemaPath: "#/definitions/autoRollback/oneOf/1/items/enum", keyword: "enum", params: { allowedValues: schema15.oneOf[1].items.enum }, message: "must be equal to one of the allowed values", schema: schema15.oneOf[1].items.enum, parentSchema: schema15.oneOf[1].items, data: data38 };
                if (vErrors === null) {
                  vErrors = [err71];
                } else {
                  vErrors.push(err71);
                }
                errors++;
              }
            }
            let i6 = data37.length;
            let j1;
            if (i6 > 1) {
              outer1: for (; i6--; ) {
                for (j1 = i6; j1--; ) {
                  if (func0(data37[i6], data37[j1])) {
                    const err72 = { instancePath: instancePath + "/pullRequests/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/uniqueItems", keyword: "uniqueItems", params: { i: i6, j: j1 }, message: "must NOT have duplicate items (items ## " + j1 + " and " + i6 + " are identical)", schema: true, parentSchema: schema15.oneOf[1], data: data37 };
                    if (vErrors === null) {
                      vErrors = [err72];
                    } else {
                      vErrors.push(err72);
                    }
                    errors++;
                    break outer1;
                  }
                }
              }
            }
          } else {
            const err73 = { instancePath: instancePath + "/pullRequests/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf/1/type", keyword: "type", params: { type: "array" }, message: "must be array", schema: schema15.oneOf[1].type, parentSchema: schema15.oneOf[1], data: data37 };
            if (vErrors === null) {
              vErrors = [err73];
            } else {
              vErrors.push(err73);
            }
            errors++;
          }
          var _valid3 = _errs92 === errors;
          if (_valid3 && valid31) {
            valid31 = false;
            passing2 = [passing2, 1];
          } else {
            if (_valid3) {
              valid31 = true;
              passing2 = 1;
            }
          }
          if (!valid31) {
            const err74 = { instancePath: instancePath + "/pullRequests/autoRollback", schemaPath: "#/definitions/autoRollback/oneOf", keyword: "oneOf", params: { passingSchemas: passing2 }, message: "must match exactly one schema in oneOf", schema: schema15.oneOf, parentSchema: schema15, data: data37 };
            if (vErrors === null) {
              vErrors = [err74];
            } else {
              vErrors.push(err74);
            }
            errors++;
          } else {
            errors = _errs90;
            if (vErrors !== null) {
              if (_errs90) {
                vErrors.length = _errs90;
              } else {
                vErrors = null;
              }
            }
          }
        }
        if (data29.ignoreApplicationStopFailures !== void 0) {
          let data39 = data29.ignoreApplicationStopFailures;
          if (typeof data39 !== "boolean") {
            const err75 = { instancePath: instancePath + "/pullRequests/ignoreApplicationStopFailures", schemaPath: "#/definitions/ignoreApplicationStopFailures/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema16.type, parentSchema: schema16, data: data39 };
            if (vErrors === null) {
              vErrors = [err75];
            } else {
              vErrors.push(err75);
            }
            errors++;
          }
        }
        if (data29.wait !== void 0) {
          let data40 = data29.wait;
          const _errs100 = errors;
          let valid37 = false;
          let passing3 = null;
          const _errs101 = errors;
          if (false !== data40) {
            const err76 = { instancePath: instancePath + "/pullRequests/wait", schemaPath: "#/definitions/wait/oneOf/0/const", keyword: "const", params: { allowedValue: false }, message: "must be equal to constant", schema: false, parentSchema: schema17.oneOf[0], data: data40 };
            if (vErrors === null) {
              vErrors = [err76];
            } else {
              vErrors.push(err76);
            }
            errors++;
          }
          var _valid4 = _errs101 === errors;
          if (_valid4) {
            valid37 = true;
            passing3 = 0;
          }
          const _errs102 = errors;
          if (typeof data40 === "string") {
            if (!pattern4.test(data40)) {
              const err77 = { instancePath: instancePath + "/pullRequests/wait", schemaPath: "#/definitions/wait/oneOf/1/pattern", keyword: "pattern", params: { pattern: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$" }, message: 'must match pattern "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$"', schema: "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$", parentSchema: schema17.oneOf[1], data: data40 };
              if (vErrors === null) {
                vErrors = [err77];
              } else {
                vErrors.push(err77);
              }
              errors++;
            }
          } else {
            const err78 = { instancePath: instancePath + "/pullRequests/wait", schemaPath: "#/definitions/wait/oneOf/1/type", keyword: "type", params: { type: "string" }, message: "must be string", schema: schema17.oneOf[1].type, parentSchema: schema17.oneOf[1], data: data40 };
            if (vErrors === null) {
              vErrors = [err78];
            } else {
              vErrors.push(err78);
            }
            errors++;
          }
          var _valid4 = _errs102 === errors;
          if (_valid4 && valid37) {
            valid37 = false;
            passing3 = [passing3, 1];
          } else {
            if (_valid4) {
              valid37 = true;
              passing3 = 1;
            }
          }
          if (!valid37) {
            const err79 = { instancePath: instancePath + "/pullRequests/wait", schemaPath: "#/definitions/wait/oneOf", keyword: "oneOf", params: { passingSchemas: passing3 }, message: "must match exactly one schema in oneOf", schema: schema17.oneOf, parentSchema: schema17, data: data40 };
            if (vErrors === null) {
              vErrors = [err79];
            } else {
              vErrors.push(err79);
            }
            errors++;
          } else {
            errors = _errs100;
            if (vErrors !== null) {
              if (_errs100) {
                vErrors.length = _errs100;
              } else {
                vErrors = null;
              }
            }
          }
        }
        if (data29.onActiveDeployment !== void 0) {
          let data41 = data29.onActiveDeployment;
          if (!(data41 === "wait" || data41 === "stop" || data41 === "fail")) {
            const err80 = { instancePath: instancePath + "/pullRequests/onActiveDeployment", schemaPath: "#/definitions/onActiveDeployment/enum", keyword: "enum", params: { allowedValues: schema18.enum }, message: "must be equal to one of the allowed values", schema: schema18.enum, parentSchema: schema18, data: data41 };
            if (vErrors === null) {
              vErrors = [err80];
            } else {
              vErrors.push(err80);
            }
            errors++;
          }
        }
        if (data29.strategy !== void 0) {
          let data42 = data29.strategy;
          if (!(data42 === "parallel" || data42 === "sequential")) {
            const err81 = { instancePath: instancePath + "/pullRequests/strategy", schemaPath: "#/definitions/strategy/enum", keyword: "enum", params: { allowedValues: schema19.enum }, message: "must be equal to one of the allowed values", schema: schema19.enum, parentSchema: schema19, data: data42 };
            if (vErrors === null) {
              vErrors = [err81];
            } else {
              vErrors.push(err81);
            }
            errors++;
          }
        }
        if (data29.deleteOnClose !== void 0) {
          let data43 = data29.deleteOnClose;
          if (typeof data43 !== "boolean") {
            const err82 = { instancePath: instancePath + "/pullRequests/deleteOnClose", schemaPath: "#/properties/pullRequests/properties/deleteOnClose/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean", schema: schema11.properties.pullRequests.properties.deleteOnClose.type, parentSchema: schema11.properties.pullRequests.properties.deleteOnClose, data: data43 };
            if (vErrors === null) {
              vErrors = [err82];
            } else {
              vErrors.push(err82);
            }
            errors++;
          }
        }
        if (data29.forks !== void 0) {
          let data44 = data29.forks;
          if (!(data44 === "deny" || data44 === "allow")) {
            const err83 = { instancePath: instancePath + "/pullRequests/forks", schemaPath: "#/properties/pullRequests/properties/forks/enum", keyword: "enum", params: { allowedValues: schema11.properties.pullRequests.properties.forks.enum }, message: "must be equal to one of the allowed values", schema: schema11.properties.pullRequests.properties.forks.enum, parentSchema: schema11.properties.pullRequests.properties.forks, data: data44 };
            if (vErrors === null) {
              vErrors = [err83];
            } else {
              vErrors.push(err83);
            }
            errors++;
          }
        }
        if (data29.pullRequestTarget !== void 0) {
          let data45 = data29.pullRequestTarget;
          if (!(data45 === "deny" || data45 === "allow")) {
            const err84 = { instancePath: instancePath + "/pullRequests/pullRequestTarget", schemaPath: "#/properties/pullRequests/properties/pullRequestTarget/enum", keyword: "enum", params: { allowedValues: schema11.properties.pullRequests.properties.pullRequestTarget.enum }, message: "must be equal to one of the allowed values", schema: schema11.properties.pullRequests.properties.pullRequestTarget.enum, parentSchema: schema11.properties.pullRequests.properties.pullRequestTarget, data: data45 };
            if (vErrors === null) {
              vErrors = [err84];
            } else {
              vErrors.push(err84);
            }
            errors++;
          }
        }
      } else {
        const err85 = { instancePath: instancePath + "/pullRequests", schemaPath: "#/properties/pullRequests/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema11.properties.pullRequests.type, parentSchema: schema11.properties.pullRequests, data: data29 };
        if (vErrors === null) {
          vErrors = [err85];
        } else {
          vErrors.push(err85);
        }
        errors++;
      }
    }
  } else {
    const err86 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object", schema: schema11.type, parentSchema: schema11, data };
    if (vErrors === null) {
      vErrors = [err86];
    } else {
      vErrors.push(err86);
    }
    errors++;
  }
  validate10.errors = vErrors;
  return errors === 0;
}
export {
  stdin_default as default,
  validate
};
