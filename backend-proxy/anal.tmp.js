const path=require('path');const B=path.resolve('dist-bench');
const {Random}=require(B+'/src/demo/random');const {openBenchServices}=require(B+'/bench/lib/benchStore');
const Database=require('better-sqlite3');const fs=require('fs');const zlib=require('zlib');
(async()=>{const p='/tmp/anal.db';try{fs.rmSync(p)}catch{};const s=await openBenchServices(p);
const random=new Random(11);const names=Array.from({length:20},(_,i)=>'x'+i);
const {endpoint}=await s.endpoints.register({project:'bench',model:'storage',features:names.map(name=>({name,kind:'numeric'})),predictionColumns:[{name:'prediction',kind:'numeric'}]});
const rows=Array.from({length:5000},()=>Object.fromEntries([...names,'prediction'].map(n=>[n,random.normal()])));
await s.references.register(endpoint.id,rows,{});const t=Math.floor(Date.now()/864e5)*864e5-864e5;
for(let m=0;m<60;m++){const t0=t+m*6e4;const events=Array.from({length:600},(_,i)=>({endpoint:endpoint.id,timestamp:t0+i*100,features:Object.fromEntries(names.map(n=>[n,Math.round((random.normal()+0.3)*1e4)/1e4])),prediction:Math.round(random.normal()*1e4)/1e4,latencyMs:Math.round(random.next()*2e4)/1e3}));
await s.ingest.ingest({batchId:'m-'+m,project:'bench',events},()=>undefined);}
await s.store.close();const db=new Database(p);
for (const fam of ['ops','columns']){
const rs=db.prepare("select counters from aggregates where family=? and resolution='minute' order by start").all(fam).map(r=>r.counters);
const cat=Buffer.concat(rs);console.log(fam,rs.length,cat.length,'deflate',zlib.deflateRawSync(cat,{level:9}).length,'d6',zlib.deflateRawSync(cat).length,'brotli',zlib.brotliCompressSync(cat).length);
let t0=process.hrtime.bigint();for(let i=0;i<20;i++)zlib.deflateRawSync(cat);console.log('deflate ms',Number(process.hrtime.bigint()-t0)/20e6);
const d=zlib.deflateRawSync(cat);t0=process.hrtime.bigint();for(let i=0;i<20;i++)zlib.inflateRawSync(d);console.log('inflate ms',Number(process.hrtime.bigint()-t0)/20e6);}
})();
